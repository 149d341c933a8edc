// The article's Markdown chain in one place, so astro.config.mjs and the unit tests
// run exactly the same plugins with the same options.

import path from 'node:path';
import remarkDirective from 'remark-directive';
import remarkMath from 'remark-math';
import type { Plugin as VitePlugin } from 'vite';
import rehypeKatexStrict from './rehype-katex-strict.ts';
import remarkArticle, { type RemarkArticleOptions } from './remark-article.ts';
import remarkContents from './remark-contents.ts';
import remarkHeadingIds from './remark-heading-ids.ts';
import remarkSourceCheck from './source-check.ts';
import remarkProseCheck from './prose-check.ts';
import { clearDevError, reportDevError } from './dev-errors.ts';

export { ArticleBuildError } from './errors.ts';
export { lastGoodPage } from './dev-errors.ts';
export { settledContentChanges } from './dev-settle.ts';
export { loadManifest, type FigureManifest, type FigureEntry } from './manifest.ts';
export { default as rehypeKatexStrict } from './rehype-katex-strict.ts';
export { default as remarkArticle, type RemarkArticleOptions } from './remark-article.ts';
export { default as remarkHeadingIds } from './remark-heading-ids.ts';
export { default as remarkContents, headingContents, type ContentsEntry } from './remark-contents.ts';
export { default as remarkSourceCheck, ALLOWED_HTML } from './source-check.ts';
export { sourceUrlForProject, sourceUrlFrom, type SourceUrl } from './source-links.ts';
export { default as remarkProseCheck, proseProblems } from './prose-check.ts';

export type ArticleMarkdownOptions = RemarkArticleOptions;

/** KaTeX settings for the whole article: anything KaTeX would merely warn about fails the build. */
export const katexOptions = { strict: 'error', throwOnError: true } as const;

/**
 * Plugin lists for Astro's `markdown` config (and for tests that rebuild the chain
 * with unified). rehype-katex is wrapped: on its own it downgrades errors to warnings.
 */
export function articleMarkdown(options: ArticleMarkdownOptions) {
  // Order matters: remark-math and remark-directive extend the parser; the source check
  // reads the tree as parsed (leftover syntax, raw HTML) before heading ids and
  // figures/numbers/references rewrite it. The prose check reads the tree before :num[…]
  // is replaced, so it can tell injected numbers from typed ones.
  // The contents box is built last, from the headings with their numbers in place.
  const remarkPlugins: PluginEntry[] = [remarkMath, remarkDirective, remarkSourceCheck, remarkHeadingIds, remarkProseCheck, [remarkArticle, options], [remarkContents, { katex: { ...katexOptions } }]];
  const rehypePlugins: PluginEntry[] = [[rehypeKatexStrict, { ...katexOptions }]];
  if (!options.dev) return { remarkPlugins, rehypePlugins };
  // `npm run dev`: each file's current error goes to the overlay on its last good page
  // (dev-errors.ts); a file that gets through every plugin has none.
  return { remarkPlugins: [clearErrorsOfFile, ...remarkPlugins.map(reportingErrors)], rehypePlugins: rehypePlugins.map(reportingErrors) };
}

const markdownSource = (file: { path?: string } | undefined) => `markdown:${file?.path ?? '?'}`;

function clearErrorsOfFile() {
  return (_tree: unknown, file: { path?: string }) => clearDevError(markdownSource(file));
}

/** The plugin, with its transformer's errors reported to dev-errors.ts before they propagate. */
function reportingErrors(plugin: PluginEntry): PluginEntry {
  const [attacher, settings] = Array.isArray(plugin) ? plugin : [plugin, undefined];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const wrapped = function (this: unknown, ...args: any[]) {
    const transformer = attacher.apply(this, args);
    if (typeof transformer !== 'function') return transformer;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const run = (self: unknown, tree: unknown, file: any, next?: (error?: unknown, ...rest: unknown[]) => void) => {
      const report = (error: unknown) => {
        reportDevError(markdownSource(file), error);
        return error;
      };
      try {
        const result = transformer.call(self, tree, file, next && ((error?: unknown, ...rest: unknown[]) => next(error ? report(error) : error, ...rest)));
        return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(report(error))) : result;
      } catch (error) {
        throw report(error);
      }
    };
    // unified passes a callback only to a transformer declared with three parameters.
    return transformer.length >= 3
      ? function (this: unknown, tree: unknown, file: unknown, next: (error?: unknown) => void) {
          return run(this, tree, file, next);
        }
      : function (this: unknown, tree: unknown, file: unknown) {
          return run(this, tree, file);
        };
  };
  return Array.isArray(plugin) ? [wrapped, settings] : wrapped;
}

// Loose on purpose: the same lists go to Astro's config and to unified's `.use()`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PluginEntry = ((...args: any[]) => any) | [(...args: any[]) => any, unknown];

/**
 * Dev server only: Astro caches a Markdown module until the .md file changes, so a
 * re-rendered manifest or SVG would not show. Invalidate the Markdown modules and
 * reload the page when anything in the figures folder changes, or a post's
 * references.bib (read by the citation plugin, which Vite does not see).
 */
export function reloadOnFigureChange(figuresDir: string, contentDir?: string): VitePlugin {
  const root = path.resolve(figuresDir);
  const content = contentDir ? path.resolve(contentDir) : undefined;
  const affects = (file: string) => {
    const absolute = path.resolve(file);
    if (absolute.startsWith(root + path.sep)) return true;
    return !!content && absolute.startsWith(content + path.sep) && path.basename(absolute) === 'references.bib';
  };
  return {
    name: 'article:reload-on-figure-change',
    apply: 'serve',
    configureServer(server) {
      server.watcher.add(root);
      if (content) server.watcher.add(path.join(content, '*', 'references.bib'));
      const onChange = (file: string) => {
        if (!affects(file)) return;
        for (const module of server.moduleGraph.idToModuleMap.values()) {
          if (module.id?.endsWith('.md')) server.moduleGraph.invalidateModule(module);
        }
        server.ws.send({ type: 'full-reload' });
      };
      server.watcher.on('add', onChange);
      server.watcher.on('change', onChange);
      server.watcher.on('unlink', onChange);
    },
  };
}

/**
 * Dev server only: serve a post's files (/<slug>/runs.csv) at the address the page links.
 * With `trailingSlash: 'always'`, Astro 5.18's dev server matches an endpoint with a file
 * extension (src/pages/[slug]/[file].csv.ts) only at "/<slug>/runs.csv/", so the post's
 * relative link 404s under `npm run dev` (issue 28); the build writes the file itself.
 * The request is rewritten to the address the dev server matches.
 */
export function devFileRoutes(): VitePlugin {
  return {
    name: 'article:dev-file-routes',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const url = request.url ?? '';
        const query = url.indexOf('?');
        const pathname = query === -1 ? url : url.slice(0, query);
        if (/\/[^/]+\.csv$/.test(pathname)) request.url = `${pathname}/${query === -1 ? '' : url.slice(query)}`;
        next();
      });
    },
  };
}
