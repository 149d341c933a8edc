// T = ∞: the sparse-stream data family. Step s trains on its own seeded batch, engines
// take a new batch through Model.setExamples (or get a fresh model per step), and a
// stream run resumes bitwise like any other.
import { describe, expect, it } from 'vitest';
import { exampleCount, isStream, sparseExamples, testExamples, trainingBatch, trainingExamples, type SparseExamples } from '../../pipeline/data/datasets.ts';
import { randomStream } from '../../pipeline/data/rng.ts';
import type { RunConfig } from '../../pipeline/experiments/types.ts';
import { createFusedModel, fusedEngine, type FusedOptions } from '../../pipeline/train/fused.ts';
import { createTfjsModel, selectBackend } from '../../pipeline/train/tfjs.ts';
import type { Engine, Gradients } from '../../pipeline/train/engine.ts';
import { initialParameters, type Parameters } from '../../pipeline/train/init.ts';
import { train, type TrainState } from '../../pipeline/train/loop.ts';

function streamConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    data: { family: 'sparse-stream', n: 40, S: 0.8, batch: 12 },
    m: 2,
    bias: true,
    steps: 60,
    schedule: { kind: 'warmup-cosine', peakLr: 1e-2, warmupSteps: 6 },
    weightDecay: 1e-2,
    seed: 3,
    engine: 'fused',
    snapshots: 2,
    ...overrides,
  };
}

const same = (a: SparseExamples, b: SparseExamples) =>
  a.n === b.n && a.T === b.T && Buffer.from(a.rowStart.buffer).equals(Buffer.from(b.rowStart.buffer)) &&
  Buffer.from(a.index.buffer).equals(Buffer.from(b.index.buffer)) && Buffer.from(a.value.buffer).equals(Buffer.from(b.value.buffer));

describe('the sparse-stream family', () => {
  it('draws batch s from its own stream (data seed, "batch-s"): reproducible, distinct per step, no replay needed', () => {
    const c = streamConfig();
    const b7 = trainingBatch(c, 7);
    expect(b7.T).toBe(12);
    expect(b7.n).toBe(40);
    expect(same(b7, trainingBatch(c, 7))).toBe(true);
    expect(same(b7, sparseExamples(40, 0.8, 12, randomStream(3, 'batch-7')))).toBe(true);
    expect(same(b7, trainingBatch(c, 8))).toBe(false);
    // The data seed picks the stream; the init seed does not.
    expect(same(trainingBatch({ ...c, dataSeed: 1 }, 7), sparseExamples(40, 0.8, 12, randomStream(1, 'batch-7')))).toBe(true);
    expect(same(trainingBatch({ ...c, initSeed: 9 }, 7), b7)).toBe(true);
    // Unit-norm examples, like the sparse family.
    for (let t = 0; t < b7.T; t++) {
      let sum = 0;
      for (let k = b7.rowStart[t]; k < b7.rowStart[t + 1]; k++) sum += b7.value[k] ** 2;
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it('has no fixed training set, a test set from the test stream, and one batch of examples per step', () => {
    const c = streamConfig();
    expect(isStream(c.data)).toBe(true);
    expect(exampleCount(c.data)).toBe(12);
    expect(() => trainingExamples(c)).toThrow(/no fixed training set; step s trains on trainingBatch/);
    expect(() => trainingBatch({ ...c, data: { family: 'sparse', n: 40, S: 0.8, T: 5 } }, 0)).toThrow(/only the sparse-stream family/);
    expect(() => trainingBatch(c, -1)).toThrow(/integer ≥ 0/);
    const held = testExamples(c)!;
    expect(held.T).toBe(10_000);
    expect(same(held, sparseExamples(40, 0.8, 10_000, randomStream(3, 'test')))).toBe(true);
  });
});

/** Parameters away from init, some outputs active and some not. */
function testPoint(c: RunConfig): Parameters {
  const p = initialParameters(c);
  for (let i = 0; i < p.W.length; i++) p.W[i] *= 3;
  for (let j = 0; j < p.b.length; j++) p.b[j] = 0.05 * Math.sin(3 * j);
  return p;
}

function evaluate(model: { lossAndGradient(p: Parameters, g: Gradients): number; loss(p: Parameters): number }, p: Parameters) {
  const grads: Gradients = { W: new Float64Array(p.W.length), b: new Float64Array(p.b.length) };
  const loss = model.lossAndGradient(p, grads);
  return { loss, lossOnly: model.loss(p), W: Array.from(grads.W), b: Array.from(grads.b) };
}

describe('Model.setExamples', () => {
  // Batch sizes that cross the fused kernels' 1,024-example block boundaries both ways.
  const sizes = [12, 1500, 300, 2100, 5];
  const batches = (n: number) => sizes.map((T, k) => sparseExamples(n, 0.8, T, randomStream(k, 'batch-0')));

  it.each([
    ['js (m = 2)', { kernel: 'js' }, 2],
    ['generic (m = 2)', { kernel: 'generic' }, 2],
    ['generic (m = 3)', { kernel: 'generic' }, 3],
  ] as [string, FusedOptions, number][])('fused %s: after setExamples, bitwise what a fresh model computes', (_name, options, m) => {
    const c = streamConfig({ m });
    const p = testPoint(c);
    const [first, ...rest] = batches(40);
    const reused = createFusedModel(first, m, options);
    expect(reused.setExamples).toBeTypeOf('function');
    for (const examples of rest) {
      reused.setExamples!(examples);
      expect(evaluate(reused, p)).toEqual(evaluate(createFusedModel(examples, m, options), p));
    }
    expect(() => reused.setExamples!(sparseExamples(41, 0.8, 3, randomStream(0, 'data')))).toThrow(/dimension n = 40, got 41/);
  });

  it('tfjs: after setExamples, what a fresh model computes', async () => {
    await selectBackend();
    const c = streamConfig();
    const p = testPoint(c);
    const [first, second, third] = batches(40);
    const reused = await createTfjsModel(first, 2);
    for (const examples of [second, third]) {
      reused.setExamples!(examples);
      const fresh = await createTfjsModel(examples, 2);
      expect(evaluate(reused, p)).toEqual(evaluate(fresh, p));
      fresh.dispose();
    }
    reused.dispose();
  });
});

const fingerprint = (s: TrainState) => ({
  step: s.step,
  W: Buffer.from(s.params.W.buffer).toString('base64'),
  b: Buffer.from(s.params.b.buffer).toString('base64'),
  loss: s.loss,
  snapshots: s.snapshotsW.map((w) => Buffer.from(w.buffer).toString('base64')),
});

/** The fused engine on the m = 2 JS kernel, whose models take new batches through setExamples. */
const jsEngine: Engine = { ...fusedEngine, createModel: async (examples, m) => createFusedModel(examples, m, { kernel: 'js' }) };

describe('training on a stream', () => {
  it('gives the same bits with setExamples (JS kernel) and with a fresh model per step (the wasm kernel, which has none yet)', async () => {
    const c = streamConfig();
    const fresh = await train(c, fusedEngine, null);
    const reused = await train(c, jsEngine, null);
    expect(fresh.finished && reused.finished).toBe(true);
    expect(fingerprint(reused.state)).toEqual(fingerprint(fresh.state));
    if (fresh.finished && reused.finished) {
      expect(reused.finalLoss).toBe(fresh.finalLoss);
      expect(reused.testLoss).toBe(fresh.testLoss);
      expect(fresh.testLoss).not.toBeNull();
    }
  });

  it('trains step s on batch s: one step equals a full-batch step on that batch', async () => {
    const c = streamConfig({ steps: 2, snapshots: 0 });
    const streamed = await train(c, jsEngine, null, { shouldStop: (() => { let k = 0; return () => k++ >= 1; })() });
    expect(streamed.state.step).toBe(1);
    // The same first step as a fixed training set equal to batch 0: same loss and update.
    const batch0 = trainingBatch(c, 0);
    const fixed: Engine = { ...jsEngine, createModel: async (_examples, m) => createFusedModel(batch0, m, { kernel: 'js' }) };
    const oneStep = await train({ ...c, data: { family: 'sparse', n: 40, S: 0.8, T: 12 } }, fixed, null, { shouldStop: (() => { let k = 0; return () => k++ >= 1; })() });
    expect(fingerprint(streamed.state)).toEqual(fingerprint(oneStep.state));
  });

  it('resumed mid-run, ends bitwise equal to an uninterrupted run', async () => {
    const c = streamConfig();
    const whole = await train(c, jsEngine, null);
    let checks = 0;
    const first = await train(c, jsEngine, null, { shouldStop: () => ++checks > 23 });
    expect(first.finished).toBe(false);
    expect(first.state.step).toBe(23);
    const rest = await train(c, jsEngine, first.state);
    expect(fingerprint(rest.state)).toEqual(fingerprint(whole.state));
    if (rest.finished && whole.finished) expect(rest.finalLoss).toBe(whole.finalLoss);
  });
});
