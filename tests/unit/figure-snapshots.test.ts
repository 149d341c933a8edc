/**
 * Figures rendered from the committed run store, pinned two ways:
 * - a normalised SVG text snapshot per figure (tests/snapshots/<id>.svg), so a code or
 *   run change that alters a picture fails here with a readable diff;
 * - the committed figures/ must be exactly what the pipeline renders now, so the
 *   repository never carries a stale figure.
 * `npm run test:update` accepts intended changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { figures } from '../../pipeline/figures/index.ts';
import { normalizeSvg } from '../../pipeline/figures/normalize.ts';
import { experimentById } from '../../pipeline/experiments/index.ts';
import { runHash } from '../../pipeline/stages/runs.ts';
import { loadRun } from '../../pipeline/store/runStore.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';
import { readManifest } from '../../pipeline/stages/figures.ts';

const storeRoot = path.join(REPO_ROOT, 'runs');
const figuresDir = path.join(REPO_ROOT, 'figures');

function combinedHashOfIds(ids: readonly string[]): string {
  const h = createHash('sha256');
  for (const id of ids) h.update(runHash(experimentById(id)));
  return h.digest('hex').slice(0, 8);
}

describe.each(figures.map((f) => [f.id, f] as const))('figure %s', (id, figure) => {
  const output = figure.render(new Map(figure.needs.map((runId) => [runId, loadRun(storeRoot, experimentById(runId), runHash(experimentById(runId)))])));

  it('matches its SVG snapshot', async () => {
    await expect(normalizeSvg(output.svg)).toMatchFileSnapshot(`../snapshots/${id}.svg`);
  });

  it('is committed in figures/ exactly as rendered now, with its manifest entry', () => {
    const file = path.join(figuresDir, `${id}.svg`);
    expect(existsSync(file), `${file} is missing: run npm run pipeline`).toBe(true);
    expect(readFileSync(file, 'utf8') === output.svg, `${file} is stale: run npm run pipeline`).toBe(true);
    const entry = readManifest(figuresDir)?.figures[id];
    expect(entry?.provenance).toBe(output.provenance);
    expect(entry?.numbers).toEqual(output.numbers);
    expect(entry?.caption).toBe(figure.caption);
  });

  it('has a title, a description and a provenance line naming its runs', () => {
    expect(output.svg).toMatch(/<title>[^<]+<\/title>/);
    expect(output.svg).toMatch(/<desc>[^<]+<\/desc>/);
    // Either every run's hash, or, for sweeps of hundreds of runs, one combined hash over `needs` in order
    // (failure-common.ts's combinedHash).
    const named = figure.needs.every((runId) => output.provenance.includes(runHash(experimentById(runId)).slice(0, 8)));
    if (!named) {
      expect(figure.needs.length, 'provenance must name every run (or combine ≥ 100 of them)').toBeGreaterThanOrEqual(100);
      expect(output.provenance).toContain(`#${combinedHashOfIds(figure.needs)}`);
    }
  });
});
