/**
 * The dev loop (`npm run dev`) as a user meets it: a real `astro dev` and watcher
 * started from scripts/dev.ts in a scratch copy of the project, a post with one trained
 * figure, and files edited on disk. The served page must show each edit within seconds:
 * a new caption after a figure module edit, a stale note with the train command after an
 * experiment becomes expensive, the redrawn figure once that command has run elsewhere,
 * and a freshly trained figure after the experiment becomes cheap again.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { affectedPosts } from '../../pipeline/dev/affected.ts';
import { cheapRuns, estimateSeconds } from '../../pipeline/dev/cost.ts';
import type { Experiment } from '../../pipeline/experiments/types.ts';
import { type Cli, copyRepo, removeCopy, runCli, startCli } from '../fixtures/repoCopy.ts';

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

const experiment = (id: string, n: number, steps: number, T?: number): Experiment => ({
  id,
  data: T === undefined ? { family: 'identity', n } : { family: 'sparse', n, S: 0.999, T },
  m: 2,
  bias: true,
  steps,
  schedule: { kind: 'constant', lr: 1e-2 },
  weightDecay: 0,
  seed: 0,
  engine: 'fused',
  snapshots: 0,
});

describe('dev loop decisions', () => {
  it('estimates cost from steps × examples × features and trains only what fits the budget, cheapest first', () => {
    // The store's own runs: identity(7) for 20,000 steps takes 0.05 s, sparse(10000) with
    // T = 30 for 50,000 steps a minute.
    expect(estimateSeconds(experiment('small', 7, 20_000))).toBeLessThan(0.2);
    expect(estimateSeconds(experiment('big', 10_000, 50_000, 30))).toBeGreaterThan(30);
    const runs = [experiment('big', 10_000, 50_000, 30), experiment('b', 7, 20_000), experiment('a', 7, 20_000)];
    const { now, later } = cheapRuns(runs, 5);
    expect(now.map((e) => e.id)).toEqual(['a', 'b']);
    expect(later.map((e) => e.id)).toEqual(['big']);
    expect(cheapRuns(runs, 0).now).toEqual([]);
  });

  it('maps a saved file to the posts it affects', () => {
    expect(affectedPosts('content/my-post/figures/relu.ts')).toBe('my-post');
    expect(affectedPosts('content/my-post/experiments/spine.ts')).toBe('my-post');
    expect(affectedPosts('content/my-post/post.ts')).toBe('my-post');
    expect(affectedPosts('pipeline/render/theme.ts')).toBe('all');
    // Astro reloads prose and references itself; tests and editor files change nothing.
    expect(affectedPosts('content/my-post/post.md')).toBeNull();
    expect(affectedPosts('content/my-post/references.bib')).toBeNull();
    expect(affectedPosts('content/my-post/tests/figures.test.ts')).toBeNull();
    expect(affectedPosts('content/my-post/figures/.relu.ts.swp')).toBeNull();
    expect(affectedPosts('pipeline/dev/refresh.ts')).toBeNull();
  });
});

// ── the real thing ──

const SLUG = 'devpost';
const FIGURE_FILE = `content/${SLUG}/figures/dots.ts`;
const EXPERIMENT_FILE = `content/${SLUG}/experiments/dots.ts`;

const POST_MD = `---
title: Dev loop fixture
summary: A post the dev-loop test edits while astro dev serves it.
date: 2026-01-01
---

## One figure {#one}

::figure[dots]
`;

const POST_TS = `import { definePost } from '../../pipeline/post/post.ts';
import { dotsExperiments } from './experiments/dots.ts';
import dots from './figures/dots.ts';

export default definePost({
  groups: [{ file: '${EXPERIMENT_FILE}', experiments: dotsExperiments }],
  figures: [dots],
  claims: [],
  tables: [],
});
`;

const experimentsSource = (steps: number) => `import type { Experiment } from '../../../pipeline/experiments/types.ts';

export const dotsExperiments: Experiment[] = [
  { id: 'dots-run', data: { family: 'identity', n: 3 }, m: 2, bias: true, steps: ${steps}, schedule: { kind: 'constant', lr: 1e-2 }, weightDecay: 0, seed: 1, engine: 'fused', snapshots: 0 },
];
`;

const figureSource = (caption: string) => `import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { renderPlot } from '../../../pipeline/render/render.ts';

const figure: Figure = {
  id: 'dots',
  needs: ['dots-run'],
  caption: '${caption}',
  render(runs) {
    const run = runs.get('dots-run')!;
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

/** Polls the page until `check` holds; returns the page and how long it took. */
async function waitForPage(url: string, check: (html: string) => boolean, timeoutMs: number, server: Cli): Promise<{ html: string; seconds: number }> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    if (server.child.exitCode !== null) throw new Error(`the dev server ended:\n${last}`);
    try {
      const response = await fetch(url);
      last = await response.text();
      if (response.ok && check(last)) return { html: last, seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`page did not change within ${timeoutMs / 1000} s; last response:\n${last.slice(0, 2000)}`);
}

describe('npm run dev in a scratch copy', () => {
  it('shows a changed caption within seconds, marks an expensive experiment stale until trained, and trains a cheap one itself', async () => {
    const root = copyRepo(['src', 'pipeline', 'scripts', 'astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json']);
    copies.push(root);
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    write(`content/${SLUG}/post.md`, POST_MD);
    write(`content/${SLUG}/post.ts`, POST_TS);
    write(EXPERIMENT_FILE, experimentsSource(300));
    write(FIGURE_FILE, figureSource('Dots, version 1.'));
    mkdirSync(path.join(root, 'runs'), { recursive: true });

    const port = await freePort();
    // A budget of 1 s: 300 steps of identity(3) fit, 500,000 (about 1.5 s) do not.
    const server = startCli(root, 'scripts/dev.ts', ['--port', String(port), '--host', '127.0.0.1'], { DEV_TRAIN_BUDGET: '1' });
    servers.push(server);
    const page = `http://127.0.0.1:${port}/${SLUG}/`;

    // First pass: the run is missing and cheap, so it is trained and the figure drawn.
    await server.waitFor(/pipeline pass done/);
    const first = await waitForPage(page, (html) => html.includes('Dots, version 1.'), 60_000, server);
    expect(first.html).toMatch(/<figure id="fig-dots" class="figure"><div class="figure-scroll"[^>]*><svg/);
    expect(first.html).toContain('run dots-run, 300 steps');

    // A figure module edit: the new caption is served within seconds.
    write(FIGURE_FILE, figureSource('Dots, version 2.'));
    const captioned = await waitForPage(page, (html) => html.includes('Dots, version 2.'), 30_000, server);
    expect(captioned.seconds).toBeLessThan(30);

    // An experiment edit over the budget: the figure keeps its old SVG, marked stale with
    // the command that trains it, and nothing blocks.
    write(EXPERIMENT_FILE, experimentsSource(500_000));
    const stale = await waitForPage(page, (html) => html.includes('class="stale-note"'), 30_000, server);
    expect(stale.html).toContain('stale: run <code>npm run train -- dots-run</code>');
    expect(stale.html).toContain('run dots-run, 300 steps');
    expect(JSON.parse(readFileSync(path.join(root, 'figures', SLUG, 'stale.json'), 'utf8')).figures.dots.experiments).toEqual(['dots-run']);

    // The command from the note, run in "another terminal": the new run lands in the
    // store, the dev loop notices and the figure is redrawn without the note.
    const train = await runCli(root, 'pipeline/cli/train.ts', ['dots-run']);
    expect(train.code, train.stderr).toBe(0);
    const redrawn = await waitForPage(page, (html) => html.includes('run dots-run, 500000 steps'), 30_000, server);
    expect(redrawn.html).not.toContain('class="stale-note"');

    // Made cheap again (a different run): trained at once, the note is gone.
    write(EXPERIMENT_FILE, experimentsSource(400));
    const trained = await waitForPage(page, (html) => html.includes('run dots-run, 400 steps'), 30_000, server);
    expect(trained.html).not.toContain('class="stale-note"');
    expect(server.child.exitCode).toBeNull();

    server.signalGroup('SIGTERM');
    const finished = await server.finished;
    expect(finished.stdout).toMatch(/\[pipeline\] training 1 changed run/);
    expect(finished.stdout).toMatch(/\[pipeline\] 1 run left untrained .*npm run train -- dots-run/);
    // Five dev-server round trips on a shared 2-core machine: more than the default 120 s may pass.
  }, 300_000);
});
