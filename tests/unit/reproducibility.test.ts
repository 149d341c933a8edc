/**
 * The committed run store is reproducible: every cheap run the article uses is
 * retrained here and must match the committed tensors bit for bit. Expensive runs
 * (minutes each) are not retrained in tests; their hashes still pin code and config.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { experiments } from '../../pipeline/experiments/index.ts';
import type { Experiment } from '../../pipeline/experiments/types.ts';
import { runHash } from '../../pipeline/build/runs.ts';
import { readEntry, runTensors } from '../../pipeline/store/runStore.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';
import { engines } from '../../pipeline/train/engines.ts';
import { train } from '../../pipeline/train/loop.ts';
import { exampleCount } from '../../pipeline/data/datasets.ts';
import { figures } from '../../pipeline/figures/index.ts';

/** Work per run in output-feature visits (steps × examples × n, plus the test set); cheap runs retrain in under a minute here. */
const CHEAP_WORK = 2e9;
const work = (e: Experiment) => e.steps * (exampleCount(e.data) + 1) * e.data.n;

const storeRoot = path.join(REPO_ROOT, 'runs');
const used = new Set(figures.flatMap((f) => f.needs));
const articleRuns = experiments.filter((e) => used.has(e.id));
const cheap = articleRuns.filter((e) => work(e) <= CHEAP_WORK);

describe('committed run store', () => {
  it('holds a verified entry for every run the article uses', () => {
    const problems = articleRuns
      .map((e) => [e.id, readEntry(storeRoot, e.data.family, runHash(e))] as const)
      .filter(([, status]) => status.kind !== 'ok')
      .map(([id, status]) => `${id}: ${status.kind}${status.kind === 'corrupt' ? ` (${status.reason})` : ''}`);
    expect(problems, 'run `npm run pipeline` and commit runs/').toEqual([]);
  });

  it('has cheap runs to verify', () => {
    expect(cheap.length).toBeGreaterThan(0);
  });

  it.each(cheap.map((e) => [e.id, e] as const))('%s retrains bitwise equal to the store', async (_id, experiment) => {
    const status = readEntry(storeRoot, experiment.data.family, runHash(experiment));
    expect(status.kind).toBe('ok');
    if (status.kind !== 'ok') return;
    const { id: _, ...config } = experiment;
    const outcome = await train(config, engines[experiment.engine], null);
    expect(outcome.finished).toBe(true);
    if (!outcome.finished) return;
    const fresh = runTensors(outcome.state);
    for (const [name, tensor] of Object.entries(fresh)) {
      const stored = status.tensors[name];
      expect(stored.shape, name).toEqual(tensor.shape);
      const a = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      const b = Buffer.from(stored.data.buffer, stored.data.byteOffset, stored.data.byteLength);
      expect(a.equals(b), `${name} differs from the committed tensor`).toBe(true);
    }
    expect(outcome.finalLoss).toBe(status.meta.finalLoss);
  });
});
