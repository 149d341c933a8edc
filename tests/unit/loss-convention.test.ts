/**
 * The loss convention (sum or mean over the n outputs) and Adam's ε: the two fields that
 * decide post 2's replication. AdamW sees the loss's scale only through ε (its decay is
 * decoupled), so dividing the loss by n is the same optimiser as keeping the sum and
 * multiplying ε by n. With n a power of two the division is exact, so the two runs may
 * differ only by the rounding of ε·n: they must agree far below float32 precision.
 */
import { describe, expect, it } from 'vitest';
import type { Experiment, RunConfig } from '../../pipeline/experiments/types.ts';
import { runConfigOf } from '../../pipeline/experiments/validate.ts';
import { runHash } from '../../pipeline/stages/runs.ts';
import { fusedEngine } from '../../pipeline/train/fused.ts';
import { train } from '../../pipeline/train/loop.ts';

const base: RunConfig = {
  data: { family: 'sparse', n: 256, S: 0.95, T: 40 },
  m: 2,
  bias: true,
  steps: 3000,
  schedule: { kind: 'warmup-cosine', peakLr: 1e-2, warmupSteps: 100 },
  weightDecay: 1e-2,
  seed: 3,
  engine: 'fused',
  snapshots: 0,
  lossPoints: 0,
};

async function finished(config: RunConfig) {
  const outcome = await train(config, fusedEngine, null);
  if (!outcome.finished) throw new Error('did not finish');
  return outcome;
}

const maxRelative = (a: Float32Array, b: Float32Array) => {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
};

describe('loss reduction and Adam ε', () => {
  it('"mean" with ε trains the same model as "sum" with ε·n, to 1e-10 relative over 3,000 steps', async () => {
    const n = base.data.n;
    const mean = await finished({ ...base, lossReduction: 'mean', adamEps: 1e-8 });
    const sum = await finished({ ...base, lossReduction: 'sum', adamEps: 1e-8 * n });
    expect(maxRelative(mean.state.params.W, sum.state.params.W)).toBeLessThanOrEqual(1e-10);
    expect(maxRelative(mean.state.params.b, sum.state.params.b)).toBeLessThanOrEqual(1e-10);
    // The losses are the same number in two units: the mean convention's is the sum's / n.
    expect(Math.abs(mean.finalLoss * n - sum.finalLoss) / sum.finalLoss).toBeLessThanOrEqual(1e-10);
    expect(Math.abs(mean.testLoss! * n - sum.testLoss!) / sum.testLoss!).toBeLessThanOrEqual(1e-10);
  });

  it('"mean" with the same ε is a different optimiser (the comparison above can fail)', async () => {
    const mean = await finished({ ...base, steps: 500, lossReduction: 'mean' });
    const sum = await finished({ ...base, steps: 500 });
    expect(maxRelative(mean.state.params.W, sum.state.params.W)).toBeGreaterThan(1e-3);
  });

  it('defaults spelled out hash like defaults left out; other values make another run', () => {
    const experiment: Experiment = { id: 'x', ...base };
    expect(runHash({ ...experiment, lossReduction: 'sum', adamEps: 1e-8 })).toBe(runHash(experiment));
    expect(runConfigOf({ ...experiment, lossReduction: 'sum', adamEps: 1e-8 })).toEqual(runConfigOf(experiment));
    expect(runHash({ ...experiment, lossReduction: 'mean' })).not.toBe(runHash(experiment));
    expect(runHash({ ...experiment, adamEps: 1e-4 })).not.toBe(runHash(experiment));
  });
});
