/**
 * Every post's figures rendered from the committed run store, pinned two ways:
 * - a normalised SVG text snapshot per figure (content/<slug>/tests/snapshots/<id>.svg),
 *   so a code or run change that alters a picture fails here with a readable diff;
 * - the committed figures/<slug>/ must be exactly what the pipeline renders now, so the
 *   repository never carries a stale figure.
 * `npm run test:update` accepts intended changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeSvg } from '../../pipeline/render/normalize.ts';
import { loadPosts, type Post } from '../../pipeline/post/post.ts';
import type { LoadedRun } from '../../pipeline/store/types.ts';
import { runHash } from '../../pipeline/stages/runs.ts';
import { runLoader } from '../../pipeline/store/runStore.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';
import { entryIsIntact, readManifest } from '../../pipeline/stages/figures.ts';
import { plottedDataCsv } from '../../pipeline/render/render.ts';
import { missingSnapshotMessage } from '../../scripts/test-report.ts';

const storeRoot = path.join(REPO_ROOT, 'runs');
const posts = await loadPosts();

// Always present, so the file has a test even when content/ holds no post (a fresh series).
it('keeps no SVG snapshot of a figure its post no longer has', () => {
  for (const post of posts) {
    const dir = path.join(REPO_ROOT, post.dir, 'tests', 'snapshots');
    const ids = new Set(post.figures.map((figure) => `${figure.id}.svg`));
    const stale = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.svg') && !ids.has(name)) : [];
    expect(stale, `delete these from ${post.dir}/tests/snapshots/`).toEqual([]);
  }
});

const cases = posts.flatMap((post) => post.figures.map((figure) => [`${post.slug}/${figure.id}`, post, figure] as const));

// Each run is read and verified once, however many figures read it (as the pipeline does):
// post 2's figures share most of their few hundred runs.
const loaders = new Map(posts.map((post) => [post, runLoader(storeRoot, (id) => post.experimentById(id), (id) => runHash(post.experimentById(id)))]));
const storedRun = (post: Post, runId: string): LoadedRun => loaders.get(post)!(runId);

describe.each(cases)('figure %s', (_name, post, figure) => {
  const experiment = (id: string) => post.experimentById(id);
  const output = figure.render(new Map(figure.needs.map((runId) => [runId, storedRun(post, runId)])));
  const figuresDir = path.join(REPO_ROOT, 'figures', post.slug);

  it('matches its SVG snapshot', async () => {
    const snapshot = path.join(REPO_ROOT, post.dir, 'tests', 'snapshots', `${figure.id}.svg`);
    // A new figure has no snapshot yet: say so and how to record it (npm test lists these
    // under that one command) instead of vitest's bare "mismatched"; -u writes it.
    if (expect.getState().snapshotState.snapshotUpdateState === 'none' && !existsSync(snapshot)) {
      expect.fail(missingSnapshotMessage(path.relative(REPO_ROOT, snapshot)));
    }
    await expect(normalizeSvg(output.svg)).toMatchFileSnapshot(snapshot);
  });

  it('is committed in figures/<slug>/ exactly as rendered now, with its manifest entry', () => {
    const file = path.join(figuresDir, `${figure.id}.svg`);
    expect(existsSync(file), `${file} is missing: run npm run pipeline`).toBe(true);
    expect(readFileSync(file, 'utf8') === output.svg, `${file} is stale: run npm run pipeline`).toBe(true);
    const entry = readManifest(figuresDir)?.figures[figure.id];
    expect(entry?.provenance).toBe(output.provenance);
    expect(entry?.numbers).toEqual(output.numbers);
    expect(entry?.caption).toBe(figure.caption);
    // Its downloads: the CSV is the data the SVG plots, and every file hashes to its entry.
    const csv = plottedDataCsv(output.svg);
    expect(csv, 'the figure returns the SVG renderPlot/renderGrid made').toBeDefined();
    expect(entry && readFileSync(path.join(figuresDir, entry.csv), 'utf8') === csv, `${entry?.csv} is stale: run npm run pipeline`).toBe(true);
    expect(entryIsIntact(entry, figuresDir), `a file of figure ${figure.id} differs from its manifest entry: run npm run pipeline`).toBe(true);
  });

  it('has a title, a description and a provenance line naming its runs', () => {
    expect(output.svg).toMatch(/<title>[^<]+<\/title>/);
    expect(output.svg).toMatch(/<desc>[^<]+<\/desc>/);
    // Either every run's hash, or, for sweeps of hundreds of runs, one combined hash over `needs` in order.
    const named = figure.needs.every((runId) => output.provenance.includes(runHash(experiment(runId)).slice(0, 8)));
    if (!named) {
      expect(figure.needs.length, 'provenance must name every run (or combine ≥ 100 of them)').toBeGreaterThanOrEqual(100);
      const combined = createHash('sha256');
      for (const id of figure.needs) combined.update(runHash(experiment(id)));
      expect(output.provenance).toContain(`#${combined.digest('hex').slice(0, 8)}`);
    }
  });
});
