/**
 * `npm run dev` when something goes wrong (issues 26 and 28), in a scratch copy with a
 * real `astro dev`: a mistake in the prose, a directive, a figure module or an experiment
 * keeps the last good page and shows the one-line error on it as an overlay; Astro's
 * report of a broken page reaches the terminal once, not once per request; a fix saved by
 * rename (`mv tmp file`, `sed -i`) is picked up; and the post's runs.csv link is served.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cli, copyRepo, removeCopy, startCli } from '../fixtures/repoCopy.ts';

const copies: string[] = [];
const servers: Cli[] = [];
afterAll(async () => {
  for (const server of servers) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.signalGroup('SIGTERM');
      await server.finished;
    }
  }
  copies.forEach(removeCopy);
});

const SLUG = 'devpost';
const PROSE = `content/${SLUG}/post.md`;
const FIGURE_FILE = `content/${SLUG}/figures/dots.ts`;
const EXPERIMENT_FILE = `content/${SLUG}/experiments/dots.ts`;

const POST_MD = `---
title: Dev server fixture
summary: A post the dev-server test breaks and fixes while astro dev serves it.
date: 2026-01-01
---

## One figure {#one}

::figure[dots]

## Runs {#runs}

::table[run-summary]
`;

const POST_TS = `import { definePost } from '../../pipeline/post/post.ts';
import { runSummaryTable } from '../../pipeline/post/run-summary.ts';
import { dotsExperiments } from './experiments/dots.ts';
import dots from './figures/dots.ts';

const groups = [{ file: '${EXPERIMENT_FILE}', experiments: dotsExperiments }];
const figures = [dots];
export default definePost({ groups, figures, claims: [], tables: [runSummaryTable({ figures, claims: [], groups })] });
`;

const experimentsSource = (lr: string) => `import type { Experiment } from '../../../pipeline/experiments/types.ts';

export const dotsExperiments: Experiment[] = [
  { id: 'dots-run', data: { family: 'identity', n: 3 }, m: 2, bias: true, steps: 300, schedule: { kind: 'constant', lr: ${lr} }, weightDecay: 0, seed: 1, engine: 'fused', snapshots: 0 },
];
`;

const figureSource = (caption: string, body = '') => `import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { renderPlot } from '../../../pipeline/render/render.ts';

const figure: Figure = {
  id: 'dots',
  needs: ['dots-run'],
  caption: '${caption}',
  render(runs) {
    const run = runs.get('dots-run')!;${body}
    const points = [0, 1, 2].map((i) => ({ x: run.W[i]!, y: run.W[3 + i]! }));
    const svg = renderPlot({ width: 200, height: 200, marks: [Plot.dot(points, { x: 'x', y: 'y' })] }, { id: 'dots', title: 'Dots', desc: 'The three feature vectors.' });
    return { svg, provenance: \`run dots-run, \${run.meta.steps} steps\`, numbers: {} };
  },
};

export default figure;
`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Page {
  status: number;
  html: string;
}

/** Polls the page (as a browser asks for it) until `check` holds. */
async function waitForPage(url: string, check: (page: Page) => boolean, server: Cli, timeoutMs = 60_000): Promise<Page> {
  const started = Date.now();
  let last: Page = { status: 0, html: '' };
  while (Date.now() - started < timeoutMs) {
    if (server.child.exitCode !== null) throw new Error(`the dev server ended (exit ${server.child.exitCode}); its output, last 4000 characters:\n${server.output().slice(-4000)}`);
    try {
      const response = await fetch(url, { headers: { accept: 'text/html' } });
      last = { status: response.status, html: await response.text() };
      if (check(last)) return last;
    } catch (error) {
      last = { status: 0, html: String(error) };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const output = server.output().slice(-4000);
  throw new Error(`page did not change within ${timeoutMs / 1000} s; last response (${last.status}), overlay: ${overlay(last.html) ?? 'none'}\nthe page's figure captions: ${[...last.html.matchAll(/<figcaption[^>]*>([\s\S]*?)<\/figcaption>/g)].map((m) => m[1]).join(' | ')}\nthe dev server's output, last 4000 characters:\n${output}`);
}

const overlay = (html: string) => /<div id="dev-error-overlay"[\s\S]*?<\/div>/.exec(html)?.[0] ?? null;

describe('npm run dev keeps the last good page when something breaks', () => {
  it('shows each mistake as a one-line overlay on the last good page, prints it once, and picks up fixes saved by rename', async () => {
    const root = copyRepo(['src', 'pipeline', 'scripts', 'astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md']);
    copies.push(root);
    const file = (name: string) => path.join(root, name);
    const write = (name: string, text: string) => {
      mkdirSync(path.dirname(file(name)), { recursive: true });
      writeFileSync(file(name), text);
    };
    /** Saved the way sed -i and editors' safe writes save: a new file renamed over the old one. */
    const saveByRename = (name: string, text: string) => {
      writeFileSync(`${file(name)}.tmp`, text);
      renameSync(`${file(name)}.tmp`, file(name));
    };
    write(PROSE, POST_MD);
    write(`content/${SLUG}/post.ts`, POST_TS);
    write(EXPERIMENT_FILE, experimentsSource('1e-2'));
    write(FIGURE_FILE, figureSource('Dots, version 1.'));
    mkdirSync(file('runs'), { recursive: true });

    const port = await freePort();
    const server = startCli(root, 'scripts/dev.ts', ['--port', String(port), '--host', '127.0.0.1'], { DEV_TRAIN_BUDGET: '1' });
    servers.push(server);
    const base = `http://127.0.0.1:${port}/${SLUG}/`;
    await server.waitFor(/pipeline pass done/);
    const good = await waitForPage(base, (page) => page.status === 200 && page.html.includes('Dots, version 1.'), server);
    expect(overlay(good.html)).toBeNull();

    // The run summary's link, relative to the page, is served (issue 28: 404 under dev).
    const csv = await fetch(`${base}runs.csv`);
    expect(csv.status).toBe(200);
    expect(await csv.text()).toMatch(/^experiment_id,group,hash,/);

    // A typed digit in the prose: the last good page, with the error on top, however often it is asked for.
    write(PROSE, `${POST_MD}\nAt n = 6 mostly two circles.\n`);
    const prose = await waitForPage(base, (page) => overlay(page.html) !== null, server);
    expect(prose.status).toBe(200);
    expect(prose.html).toContain('Dots, version 1.');
    expect(prose.html).toMatch(/<figure id="fig-dots" class="figure"><div class="figure-scroll"[^>]*><svg/);
    expect(overlay(prose.html)).toContain(`${PROSE}:15:8: 2 typed results in the prose`);
    expect(overlay(prose.html)!.match(/<li>/g)).toHaveLength(1);
    for (let request = 0; request < 3; request++) await fetch(base, { headers: { accept: 'text/html' } });

    // A directive naming a figure that does not exist.
    write(PROSE, `${POST_MD}\n::figure[dotz]\n`);
    const directive = await waitForPage(base, (page) => (overlay(page.html) ?? '').includes('unknown figure id "dotz"'), server);
    expect(directive.html).toContain('Dots, version 1.');

    // Fixed: the page renders again, with no overlay.
    write(PROSE, POST_MD);
    await waitForPage(base, (page) => page.status === 200 && overlay(page.html) === null, server);

    // A figure module that throws, saved by rename: the last figure stays, the error is on top.
    saveByRename(FIGURE_FILE, figureSource('Dots, version 2.', "\n    throw new Error('boom in dots');"));
    const figure = await waitForPage(base, (page) => (overlay(page.html) ?? '').includes('boom in dots'), server);
    expect(figure.html).toContain('Dots, version 1.');
    expect(overlay(figure.html)).toMatch(/post devpost not refreshed: .*boom in dots/);

    // Fixed with sed -i (a rename too): redrawn, no overlay.
    execFileSync('sed', ['-i', "/throw new Error('boom in dots');/d", file(FIGURE_FILE)]);
    await waitForPage(base, (page) => page.html.includes('Dots, version 2.') && overlay(page.html) === null, server);

    // An experiment the validator refuses.
    saveByRename(EXPERIMENT_FILE, experimentsSource('NaN'));
    const experiment = await waitForPage(base, (page) => (overlay(page.html) ?? '').includes('schedule.lr'), server);
    expect(experiment.html).toContain('Dots, version 2.');
    saveByRename(EXPERIMENT_FILE, experimentsSource('1e-2'));
    await waitForPage(base, (page) => overlay(page.html) === null, server);
    expect(server.child.exitCode).toBeNull();

    server.signalGroup('SIGTERM');
    const finished = await server.finished;
    const output = finished.stdout + finished.stderr;
    // Asked for four times and more, printed once.
    expect(output.split('2 typed results in the prose').length - 1).toBe(1);
    expect(readFileSync(file(PROSE), 'utf8')).toBe(POST_MD);
  }, 420_000);
});
