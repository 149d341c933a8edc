// Dev server only (`npm run dev`): a mistake must not take the page down. The errors the
// page's sources have right now are collected here, and the dev server keeps serving the
// last page that rendered, with those errors on top of it as a one-line overlay each
// (lastGoodPage below), until the next save fixes them.
//
// Two kinds of error reach the overlay:
// - the site's own: a Markdown plugin that rejects the prose, a directive, the
//   bibliography, a caption (reportDevError/clearDevError, called by the wrapped plugins
//   and by the front-matter check in src/lib/posts.ts);
// - the pipeline's: scripts/dev.ts starts `astro dev` with DEV_ERRORS_DIR, and each pass
//   writes there the one-line error of a post it could not refresh (a figure that
//   throws, a bad experiment), or of a type error in a file just saved.
//
// The registry lives on globalThis: astro.config.mjs loads this module with Node, while
// src/lib/posts.ts is loaded by Vite's SSR module graph, which makes a second instance.

import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Plugin as VitePlugin } from 'vite';

const REGISTRY = Symbol.for('superposition.devErrors');
type Registry = Map<string, string>;

function registry(): Registry {
  const global = globalThis as { [REGISTRY]?: Registry };
  return (global[REGISTRY] ??= new Map());
}

/** The first line of an error's message: the line that names the file and the fix. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

/** Records the error a source (a post's Markdown, its front matter) has now. */
export function reportDevError(source: string, error: unknown): void {
  registry().set(source, oneLine(error));
}

/** The source rendered without error: its previous error is fixed. */
export function clearDevError(source: string): void {
  registry().delete(source);
}

/** The pipeline's errors (files written by the dev loop), one line each, in file order. */
function pipelineErrors(errorsDir: string | undefined): string[] {
  if (!errorsDir || !fs.existsSync(errorsDir)) return [];
  return fs
    .readdirSync(errorsDir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => fs.readFileSync(path.join(errorsDir, name), 'utf8').trim())
    .filter((text) => text !== '');
}

/** Every error the site's sources and the pipeline have now. */
export function currentErrors(errorsDir: string | undefined): string[] {
  return [...new Set([...registry().values(), ...pipelineErrors(errorsDir)])];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The overlay: fixed at the top of the page, one line per error, above whatever the page shows. */
export function overlayHtml(errors: readonly string[], lastGood: boolean): string {
  const lines = errors.map((error) => `<li>${escape(error)}</li>`).join('');
  const note = lastGood ? 'The page below is the last one that rendered; fix the file and save.' : 'Fix the file and save.';
  return (
    `<div id="dev-error-overlay" role="alert" style="position:fixed;top:0;left:0;right:0;z-index:2147483647;margin:0;padding:0.6em 1em;` +
    `background:#fff4f4;border-bottom:3px solid #c00;color:#600;font:14px/1.4 monospace;white-space:pre-wrap;max-height:40vh;overflow:auto">` +
    `<ul style="margin:0;padding-left:1.2em">${lines}</ul><p style="margin:0.3em 0 0">${escape(note)}</p></div>`
  );
}

function inject(html: string, overlay: string): string {
  const at = html.lastIndexOf('</body>');
  return at === -1 ? html + overlay : html.slice(0, at) + overlay + html.slice(at);
}

/**
 * Dev server only: pages (GET, HTML) are answered by Astro as usual and remembered when
 * they render; when a page fails to render (HTTP 500), the last page that rendered at
 * that address is served instead, with the current errors as an overlay. A page that
 * renders while the pipeline reports errors (a figure kept from before) shows them too.
 * `errorsDir` is where the dev loop writes the pipeline's errors (DEV_ERRORS_DIR); a
 * change there reloads the page.
 */
export function lastGoodPage(errorsDir: string | undefined): VitePlugin {
  const lastGood = new Map<string, string>();
  return {
    name: 'article:last-good-page',
    apply: 'serve',
    configureServer(server) {
      if (errorsDir) {
        fs.mkdirSync(errorsDir, { recursive: true });
        server.watcher.add(errorsDir);
        const reload = (file: string) => {
          if (path.resolve(file).startsWith(path.resolve(errorsDir) + path.sep)) server.ws.send({ type: 'full-reload' });
        };
        server.watcher.on('add', reload);
        server.watcher.on('change', reload);
        server.watcher.on('unlink', reload);
      }
      // Astro also sends a failed page's error to the browser, whose full-screen overlay
      // would hide the last good page; while the error is on our overlay, it is not sent.
      const send = server.hot.send.bind(server.hot) as (...args: unknown[]) => void;
      server.hot.send = ((...args: unknown[]) => {
        const payload = args[0] as { type?: string } | undefined;
        if (payload?.type === 'error' && currentErrors(errorsDir).length > 0) return;
        send(...args);
      }) as typeof server.hot.send;
      server.middlewares.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
        const url = request.url ?? '/';
        const isPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html') && !/\.[a-z0-9]+$/i.test(url.split('?')[0]);
        if (!isPage) return next();
        holdResponse(response, (status, headers, body) => {
          const html = body.toString('utf8');
          const isHtml = String(headers['content-type'] ?? headers['Content-Type'] ?? '').includes('text/html');
          if (status === 200 && isHtml) {
            lastGood.set(url, html);
            const errors = currentErrors(errorsDir);
            return { status, headers, body: errors.length > 0 ? inject(html, overlayHtml(errors, false)) : html };
          }
          const previous = lastGood.get(url);
          if (status >= 500 && previous !== undefined) {
            const errors = currentErrors(errorsDir);
            const shown = errors.length > 0 ? errors : [`the page failed to render (${/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? `HTTP ${status}`}); the terminal running npm run dev has the error`];
            return { status: 200, headers, body: inject(previous, overlayHtml(shown, true)) };
          }
          return { status, headers, body: html };
        });
        next();
      });
    },
  };
}

type Headers = Record<string, number | string | readonly string[] | undefined>;

/**
 * Holds a response until it ends, then lets `rewrite` decide what is sent: the status,
 * the headers (Content-Length is recomputed) and the body.
 */
function holdResponse(response: ServerResponse, rewrite: (status: number, headers: Headers, body: Buffer) => { status: number; headers: Headers; body: string }): void {
  const chunks: Buffer[] = [];
  let heldHeaders: Headers = {};
  const writeHead = response.writeHead.bind(response);
  const end = response.end.bind(response);
  const toBuffer = (chunk: unknown, encoding?: unknown) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  response.writeHead = ((status: number, ...rest: unknown[]) => {
    response.statusCode = status;
    const headers = rest.find((value) => typeof value === 'object' && value !== null);
    if (headers) heldHeaders = { ...heldHeaders, ...(Array.isArray(headers) ? Object.fromEntries(headers as [string, string][]) : (headers as Headers)) };
    return response;
  }) as typeof response.writeHead;
  response.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  }) as typeof response.write;
  response.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, encoding));
    const headers: Headers = { ...(response.getHeaders() as Headers), ...heldHeaders };
    const result = rewrite(response.statusCode, headers, Buffer.concat(chunks));
    const outgoing = Object.fromEntries(Object.entries(result.headers).filter(([name, value]) => value !== undefined && name.toLowerCase() !== 'content-length')) as Record<string, string | number | readonly string[]>;
    for (const name of response.getHeaderNames()) response.removeHeader(name);
    writeHead(result.status, { ...outgoing, 'content-length': Buffer.byteLength(result.body) });
    const done = [chunk, encoding, callback].find((value) => typeof value === 'function') as (() => void) | undefined;
    return end(result.body, done);
  }) as typeof response.end;
}
