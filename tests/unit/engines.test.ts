import { describe, expect, it } from 'vitest';
import { trainingExamples, type SparseExamples } from '../../pipeline/data/datasets.ts';
import type { Experiment, RunConfig } from '../../pipeline/experiments/types.ts';
import { createFusedModel, BLOCK_EXAMPLES, type FusedOptions } from '../../pipeline/train/fused.ts';
import type { WasmModel } from '../../pipeline/train/fusedWasm.ts';
import { createTfjsModel, selectBackend } from '../../pipeline/train/tfjs.ts';
import { fusedEngine } from '../../pipeline/train/fused.ts';
import { initialParameters, type Parameters } from '../../pipeline/train/init.ts';
import type { Engine, Gradients } from '../../pipeline/train/engine.ts';
import { train, type TrainState } from '../../pipeline/train/loop.ts';
import { readCheckpoint, writeCheckpoint } from '../../pipeline/store/runStore.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KERNEL_SOURCE_SHA256 } from '../../pipeline/train/wasm/kernel.wasm.ts';
import { REPO_ROOT, sha256 } from '../../pipeline/store/provenance.ts';
import { readFileSync } from 'node:fs';
import { ensureRuns, runHash } from '../../pipeline/stages/runs.ts';
import { readEntry } from '../../pipeline/store/runStore.ts';
import { maxRelativeError, newGrads, testPoint } from '../fixtures/gradients.ts';

function config(overrides: Partial<RunConfig>): RunConfig {
  return {
    data: { family: 'sparse', n: 40, S: 0.8, T: 25 },
    m: 2,
    bias: true,
    steps: 200,
    schedule: { kind: 'warmup-cosine', peakLr: 1e-2, warmupSteps: 20 },
    weightDecay: 1e-2,
    seed: 11,
    engine: 'fused',
    snapshots: 3,
    ...overrides,
  };
}

const cases: [string, Partial<RunConfig>][] = [
  ['sparse data with bias, m = 2', {}],
  ['identity data, no bias, m = 2', { data: { family: 'identity', n: 6 }, bias: false }],
  ['sparse data, m = 3 (general kernel)', { m: 3 }],
  ['dense data (S = 0), m = 1', { data: { family: 'sparse', n: 12, S: 0, T: 7 }, m: 1 }],
];

/**
 * Every implementation of the fused engine; m != 2 always runs the generic kernel. The
 * active-output kernel is forced on every evaluation (no dense fallback, any size).
 */
const variants: [string, FusedOptions][] = [
  ['wasm, 1 thread', { kernel: 'wasm', threads: 1, denseAbove: Infinity }],
  ['wasm, 2 threads', { kernel: 'wasm', threads: 2, denseAbove: Infinity }],
  ['wasm, 16 threads', { kernel: 'wasm', threads: 16, denseAbove: Infinity }],
  ['dense wasm, 1 thread', { kernel: 'dense', threads: 1 }],
  ['dense wasm, 2 threads', { kernel: 'dense', threads: 2 }],
  ['js', { kernel: 'js' }],
  ['generic', { kernel: 'generic' }],
];
const variantCases = cases.flatMap(([name, overrides]) =>
  (overrides.m === undefined || overrides.m === 2 ? variants : variants.slice(-1)).map(([variant, options]) => [`${name}, ${variant}`, overrides, options] as const),
);

function gradientOf(examples: SparseExamples, m: number, params: Parameters, options: FusedOptions): { loss: number; grads: Gradients } {
  const model = createFusedModel(examples, m, options);
  const grads = newGrads(params);
  try {
    return { loss: model.lossAndGradient(params, grads), grads };
  } finally {
    model.dispose();
  }
}

describe('fused gradients', () => {
  it.each(variantCases)('match tfjs autograd: %s', async (_name, overrides, options) => {
    const c = config(overrides);
    const examples = trainingExamples(c);
    const params = testPoint(c);
    const oracle = newGrads(params);
    const { loss: fusedLoss, grads: fused } = gradientOf(examples, c.m, params, options);
    const tfjsModel = await createTfjsModel(examples, c.m);
    const tfjsLoss = tfjsModel.lossAndGradient(params, oracle);
    tfjsModel.dispose();
    // tfjs computes in float32; the kernel accumulates in float64.
    expect(Math.abs(fusedLoss - tfjsLoss) / tfjsLoss).toBeLessThan(1e-5);
    expect(maxRelativeError(fused.W, oracle.W)).toBeLessThan(1e-4);
    expect(maxRelativeError(fused.b, oracle.b)).toBeLessThan(1e-4);
  });

  it.each(cases)('match central finite differences: %s', (_name, overrides) => {
    const c = config(overrides);
    const examples = trainingExamples(c);
    const params = testPoint(c);
    const model = createFusedModel(examples, c.m);
    const grads = newGrads(params);
    model.lossAndGradient(params, grads);
    const check = (array: Float32Array, analytic: Float64Array) => {
      for (let i = 0; i < array.length; i += Math.max(1, Math.floor(array.length / 23))) {
        const original = array[i];
        // Step by what float32 can actually represent, and divide by the step taken.
        array[i] = original + 1e-4;
        const up = array[i];
        const lossUp = model.loss(params);
        array[i] = original - 1e-4;
        const down = array[i];
        const lossDown = model.loss(params);
        array[i] = original;
        const numeric = (lossUp - lossDown) / (up - down);
        expect(Math.abs(numeric - analytic[i]), `parameter ${i}: numeric ${numeric}, analytic ${analytic[i]}`).toBeLessThan(1e-5 + 1e-3 * Math.abs(analytic[i]));
      }
    };
    check(params.W, grads.W);
    if (c.bias) check(params.b, grads.b);
  });

  it.each([
    ['several blocks, odd n and T', { data: { family: 'sparse', n: 301, S: 0.9, T: 2 * BLOCK_EXAMPLES + 37 } }],
    ['one block, even n and T', { data: { family: 'sparse', n: 300, S: 0.9, T: 60 } }],
    ['identity data, n = 5', { data: { family: 'identity', n: 5 } }],
  ] as [string, Partial<RunConfig>][])('every kernel and thread count gives bitwise-equal loss and gradients: %s', (_name, overrides) => {
    const c = config(overrides);
    const examples = trainingExamples(c);
    const params = testPoint(c);
    const reference = gradientOf(examples, 2, params, { kernel: 'generic' });
    // On sparse data, make sure the point exercises both sides of the ReLU (some outputs never fire).
    if (c.data.family === 'sparse') expect(reference.grads.b.some((g) => g === 0) && reference.grads.b.some((g) => g !== 0)).toBe(true);
    for (const [variant, options] of variants.slice(0, -1)) {
      const { loss, grads } = gradientOf(examples, 2, params, options);
      expect(loss, variant).toBe(reference.loss);
      expect(Buffer.from(grads.W.buffer).equals(Buffer.from(reference.grads.W.buffer)), `${variant}: W`).toBe(true);
      expect(Buffer.from(grads.b.buffer).equals(Buffer.from(reference.grads.b.buffer)), `${variant}: b`).toBe(true);
    }
  });

  it('the wasm model computes the loss alone, equal to the loss with the gradient', () => {
    const c = config({ data: { family: 'sparse', n: 301, S: 0.9, T: 77 } });
    const examples = trainingExamples(c);
    const params = testPoint(c);
    const model = createFusedModel(examples, 2, { kernel: 'wasm', threads: 2 });
    const withGradient = model.lossAndGradient(params, newGrads(params));
    expect(model.loss(params)).toBe(withGradient);
    model.dispose();
  });

  it('the committed WebAssembly kernel was built from the current kernel source (else run npm run build:kernel)', () => {
    expect(KERNEL_SOURCE_SHA256).toBe(sha256(readFileSync(path.join(REPO_ROOT, 'pipeline/train/wasm/kernel.as.ts'))));
  });

  it('sums examples in fixed blocks: a multi-block batch equals the sum of its blocks', () => {
    const T = BLOCK_EXAMPLES + 37;
    const c = config({ data: { family: 'sparse', n: 30, S: 0.9, T } });
    const examples = trainingExamples(c);
    const params = testPoint(c);
    const whole = newGrads(params);
    createFusedModel(examples, 2).lossAndGradient(params, whole);
    // Rebuild each block as its own example set and add their gradients in block order.
    const blockOf = (start: number, end: number): SparseExamples => {
      const rowStart = Int32Array.from(examples.rowStart.slice(start, end + 1), (v) => v - examples.rowStart[start]);
      const from = examples.rowStart[start];
      const to = examples.rowStart[end];
      return { n: 30, T: end - start, rowStart, index: examples.index.slice(from, to), value: examples.value.slice(from, to) };
    };
    const sum = newGrads(params);
    for (const [start, end] of [[0, BLOCK_EXAMPLES], [BLOCK_EXAMPLES, T]]) {
      const part = newGrads(params);
      createFusedModel(blockOf(start, end), 2).lossAndGradient(params, part);
      // Each block model scales by 2/T_block; rescale to the full batch's 2/T.
      for (let i = 0; i < sum.W.length; i++) sum.W[i] += part.W[i] * ((end - start) / T);
    }
    expect(maxRelativeError(whole.W, sum.W)).toBeLessThan(1e-12);
  });
});

describe('training', () => {
  const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const fingerprint = (s: TrainState) => [bits(s.params.W), bits(s.params.b), bits(s.adamW.v), JSON.stringify(s.loss), s.snapshotsW.map(bits).join()];

  it('is deterministic: the same config trains to bitwise-identical tensors', async () => {
    const c = config({});
    const a = await train(c, fusedEngine, null);
    const b = await train(c, fusedEngine, null);
    expect(a.finished && b.finished).toBe(true);
    expect(fingerprint(a.state)).toEqual(fingerprint(b.state));
  });

  const withThreads = async <R>(threads: number, body: () => Promise<R>): Promise<R> => {
    const saved = fusedEngine.threads;
    fusedEngine.threads = threads;
    try {
      return await body();
    } finally {
      fusedEngine.threads = saved;
    }
  };
  // Big enough that the engine really uses the threads it is given (n·T above its per-thread minimum).
  const threadedConfig = () => config({ data: { family: 'sparse', n: 500, S: 0.99, T: 1500 }, steps: 30, snapshots: 2 });

  it('trains to bitwise-identical tensors on 1, 2 and 16 threads', async () => {
    const c = threadedConfig();
    const runs = [];
    for (const threads of [1, 2, 16]) runs.push(await withThreads(threads, () => train(c, fusedEngine, null)));
    expect(runs.every((r) => r.finished)).toBe(true);
    expect(fingerprint(runs[1].state)).toEqual(fingerprint(runs[0].state));
    expect(fingerprint(runs[2].state)).toEqual(fingerprint(runs[0].state));
  });

  it('the thread count is recorded in metadata but is not part of a run\'s provenance hash', () => {
    const experiment: Experiment = { id: 'threads-hash', ...threadedConfig() };
    const hashes = [1, 2, 16].map((threads) => {
      fusedEngine.threads = threads;
      return runHash(experiment);
    });
    fusedEngine.threads = os.availableParallelism();
    expect(new Set(hashes).size).toBe(1);
  });

  it('resumed through the run store on a different thread count, ends bitwise equal to an uninterrupted run', async () => {
    const c = threadedConfig();
    const store = mkdtempSync(path.join(os.tmpdir(), 'checkpoint-'));
    try {
      const whole = await withThreads(2, () => train(c, fusedEngine, null));
      let checks = 0;
      const first = await withThreads(2, () => train(c, fusedEngine, null, { shouldStop: () => ++checks > 13 }));
      expect(first.finished).toBe(false);
      writeCheckpoint(store, 'h', first.state);
      const restored = readCheckpoint(store, 'h');
      expect(restored?.step).toBe(13);
      const rest = await withThreads(16, () => train(c, fusedEngine, restored));
      expect(rest.finished).toBe(true);
      expect(fingerprint(rest.state)).toEqual(fingerprint(whole.state));
      if (rest.finished && whole.finished) expect(rest.finalLoss).toBe(whole.finalLoss);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('resumed from a checkpointed state, ends bitwise equal to an uninterrupted run', async () => {
    const c = config({});
    const whole = await train(c, fusedEngine, null);
    let checks = 0;
    const first = await train(c, fusedEngine, null, { shouldStop: () => ++checks > 77 });
    expect(first.finished).toBe(false);
    expect(first.state.step).toBe(77);
    const rest = await train(c, fusedEngine, first.state);
    expect(rest.finished).toBe(true);
    expect(fingerprint(rest.state)).toEqual(fingerprint(whole.state));
    if (rest.finished && whole.finished) expect(rest.finalLoss).toBe(whole.finalLoss);
  });

  it('reaches the exact n = 4 solution without bias (two antipodal pairs)', async () => {
    const c = config({ data: { family: 'identity', n: 4 }, bias: false, steps: 3000, schedule: { kind: 'constant', lr: 1e-2 }, weightDecay: 0, seed: 0 });
    const out = await train(c, fusedEngine, null);
    expect(out.finished && out.finalLoss).toBeLessThan(1e-6);
  });

  it('keeps only the final loss when lossPoints is 0, and the full curve by default', async () => {
    const sparseCurve = await train(config({ lossPoints: 0 }), fusedEngine, null);
    expect(sparseCurve.state.lossSteps).toEqual([200]);
    const fullCurve = await train(config({}), fusedEngine, null);
    expect(fullCurve.state.lossSteps.length).toBe(201);
    expect(fullCurve.state.params.W).toEqual(sparseCurve.state.params.W);
  });

  it('starts from initBias when given, as one value or one per feature', async () => {
    const c = config({ data: { family: 'identity', n: 3 }, initBias: [0.5, -0.25, 0], steps: 1 });
    const out = await train(c, fusedEngine, null, { shouldStop: () => true });
    expect(Array.from(out.state.params.b)).toEqual([0.5, -0.25, 0]);
    const scalar = await train({ ...c, initBias: 0.125 }, fusedEngine, null, { shouldStop: () => true });
    expect(Array.from(scalar.state.params.b)).toEqual([0.125, 0.125, 0.125]);
  });

  it('stops with a clear error when training diverges', async () => {
    const c = config({ schedule: { kind: 'constant', lr: 1e30 } });
    await expect(train(c, fusedEngine, null)).rejects.toThrow(/diverged at step \d+/);
  });

  it('tfjs engine trains to the same solution as fused on a small problem', async () => {
    await selectBackend();
    const c = config({ data: { family: 'identity', n: 5 }, bias: false, steps: 1500, schedule: { kind: 'constant', lr: 1e-2 }, weightDecay: 0, seed: 2 });
    const { tfjsEngine } = await import('../../pipeline/train/tfjs.ts');
    const a = await train(c, fusedEngine, null);
    const b = await train({ ...c, engine: 'tfjs' }, tfjsEngine, null);
    expect(a.finished && b.finished).toBe(true);
    if (a.finished && b.finished) expect(Math.abs(a.finalLoss - b.finalLoss)).toBeLessThan(1e-4);
  });
});

describe('the engine registry', () => {
  it("loads tfjs only on first use, with tfjs.ts's own id, source, threads and numbers", async () => {
    const { engines } = await import('../../pipeline/train/engines.ts');
    const { tfjsEngine } = await import('../../pipeline/train/tfjs.ts');
    const lazy = engines.tfjs;
    expect([lazy.id, lazy.sourceEntry, lazy.threads]).toEqual([tfjsEngine.id, tfjsEngine.sourceEntry, tfjsEngine.threads]);
    expect(await lazy.backend()).toBe(await tfjsEngine.backend());
    const c = config({ data: { family: 'identity', n: 4 }, steps: 50, engine: 'tfjs', seed: 3 });
    const a = await train(c, lazy, null);
    const b = await train(c, tfjsEngine, null);
    expect(a.finished && b.finished).toBe(true);
    if (a.finished && b.finished) expect(Buffer.from(a.state.params.W.buffer).equals(Buffer.from(b.state.params.W.buffer))).toBe(true);
  });
});

describe('active-output kernel (wasm) against the dense kernel it skips work from', () => {
  const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const fingerprint = (s: TrainState) => [bits(s.params.W), bits(s.params.b), bits(s.adamW.v), bits(s.adamB.v), JSON.stringify(s.loss)];
  /** The fused engine with fixed kernel options; the active path runs on every step (no dense fallback). */
  const engineWith = (options: FusedOptions): Engine => ({
    ...fusedEngine,
    createModel: async (examples, m) => createFusedModel(examples, m, { denseAbove: Infinity, ...options }),
  });
  const sparseRun = (T: number, overrides: Partial<RunConfig> = {}) =>
    config({ data: { family: 'sparse', n: 1000, S: 0.99, T }, steps: 60, lossPoints: 0, schedule: { kind: 'warmup-cosine', peakLr: 3e-2, warmupSteps: 10 }, snapshots: 0, ...overrides });

  // T = 2100 spans three blocks of examples; initBias > 0 keeps many features firing for
  // every example (b_j > 0); the plain runs start with half the outputs active and end sparse.
  it.each([
    ['T = 37', sparseRun(37)],
    ['T = 700', sparseRun(700)],
    ['T = 2100 (three blocks)', sparseRun(2100, { steps: 25 })],
    ['T = 300, b_j > 0 for half the features', sparseRun(300, { initBias: Array.from({ length: 1000 }, (_, j) => 0.05 * Math.sin(3 * j)) })],
    ['T = 300, every b_j > 0', sparseRun(300, { initBias: 0.02, steps: 30 })],
  ] as [string, RunConfig][])('trains bitwise equal to the dense kernel on 1, 2 and 16 threads: %s', async (_name, c) => {
    const reference = await train(c, engineWith({ kernel: 'dense', threads: 2 }), null);
    expect(reference.finished).toBe(true);
    for (const threads of [1, 2, 16]) {
      const run = await train(c, engineWith({ kernel: 'wasm', threads }), null);
      expect(fingerprint(run.state), `${threads} threads`).toEqual(fingerprint(reference.state));
      if (run.finished && reference.finished) expect(run.finalLoss).toBe(reference.finalLoss);
    }
  });

  it('resumed through the run store on another thread count, ends bitwise equal to an uninterrupted dense run', async () => {
    const c = sparseRun(1500, { steps: 40 });
    const store = mkdtempSync(path.join(os.tmpdir(), 'checkpoint-'));
    try {
      const whole = await train(c, engineWith({ kernel: 'dense', threads: 1 }), null);
      let checks = 0;
      const first = await train(c, engineWith({ kernel: 'wasm', threads: 2 }), null, { shouldStop: () => ++checks > 17 });
      expect(first.finished).toBe(false);
      writeCheckpoint(store, 'h', first.state);
      const rest = await train(c, engineWith({ kernel: 'wasm', threads: 16 }), readCheckpoint(store, 'h'));
      expect(rest.finished).toBe(true);
      expect(fingerprint(rest.state)).toEqual(fingerprint(whole.state));
      if (rest.finished && whole.finished) expect(rest.finalLoss).toBe(whole.finalLoss);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('the default engine (with its dense fallback at high activity) trains bitwise equal to the dense kernel', async () => {
    const c = sparseRun(400, { steps: 80, schedule: { kind: 'constant', lr: 1e-2 } });
    const reference = await train(c, engineWith({ kernel: 'dense', threads: 2 }), null);
    const saved = fusedEngine.threads;
    fusedEngine.threads = 2;
    try {
      const run = await train(c, fusedEngine, null);
      expect(fingerprint(run.state)).toEqual(fingerprint(reference.state));
    } finally {
      fusedEngine.threads = saved;
    }
  });

  /**
   * Adversarial states for the bound that finds active outputs: outputs exactly on the
   * boundary (z = 0) and one float32 step either side of it, at every angle, including
   * angle ±π and directions orthogonal to h; zero-norm features with b > 0, b = 0, b < 0;
   * examples with h = 0; features of tiny and huge norm. Each example has one or two
   * non-zeros, so h is a known column of W (or a sum of two).
   */
  function adversarialState(seed: number): { examples: SparseExamples; params: Parameters } {
    const n = 400;
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const W = new Float32Array(2 * n);
    const b = new Float32Array(n);
    // Features 0..39 are the ones examples point at (h = W[:, k] · x).
    for (let k = 0; k < 40; k++) {
      const angle = k === 0 ? Math.PI : k === 1 ? -Math.PI / 2 : 2 * Math.PI * random();
      const radius = k === 2 ? 0 : k === 3 ? 1e-20 : k === 4 ? 1e15 : 2;
      W[k] = radius * Math.cos(angle);
      W[n + k] = k === 0 ? -0 : radius * Math.sin(angle);
    }
    const f32 = (x: number) => Math.fround(x);
    const up = (x: number) => { const a = new Float32Array([x]); const i = new Int32Array(a.buffer); i[0] += x >= 0 ? 1 : -1; return a[0]; };
    const down = (x: number) => { const a = new Float32Array([x]); const i = new Int32Array(a.buffer); if (x === 0) return -1.4e-45; i[0] += x > 0 ? -1 : 1; return a[0]; };
    // Features 40..399: put on (or one float32 step off) the boundary of some example's h.
    for (let j = 40; j < n; j++) {
      const k = 5 + Math.floor(random() * 35);
      const h0 = W[k], h1 = W[n + k];
      const kind = j % 8;
      if (kind === 0) { W[j] = 0; W[n + j] = 0; b[j] = [0.5, 0, -0.5, 1.4e-45][Math.floor(random() * 4)]; continue; }
      let angle: number;
      let radius: number;
      if (kind >= 5) {
        // Same norm and same threshold s = c |h| for many features: each sits exactly at the
        // edge of its example's window, where a window any narrower would miss it.
        const c = [0.999, 0.5, 0, -0.5, -0.999][j % 5];
        angle = Math.atan2(h1, h0) + (j % 2 ? 1 : -1) * Math.acos(c);
        radius = 1;
      } else {
        // Along h, against h, orthogonal to h, at angle π exactly, or random; norm tiny to large.
        const base = Math.atan2(h1, h0);
        angle = kind === 1 ? base : kind === 2 ? base + Math.PI : kind === 3 ? base + Math.PI / 2 : kind === 4 ? Math.PI : 2 * Math.PI * random();
        radius = [1e-30, 1e-3, 1, 50][Math.floor(random() * 4)];
      }
      W[j] = f32(radius * Math.cos(angle));
      W[n + j] = kind === 4 ? 0 : f32(radius * Math.sin(angle));
      // b = -(w · h) rounded to float32, then nudged: z lands on 0, just above or just below.
      const exact = f32(-(W[j] * h0 + W[n + j] * h1));
      b[j] = [exact, up(exact), down(exact)][j % 3];
    }
    // Examples: one non-zero (h = W[:, k]), two non-zeros, and ones pointing at zero-norm columns (h = 0).
    const rows: [number, number][][] = [];
    for (let k = 0; k < 40; k++) rows.push([[k, 1]]);
    for (let t = 0; t < 30; t++) {
      const a = 5 + Math.floor(random() * 35), c = a === 39 ? 5 : a + 1;
      rows.push([[Math.min(a, c), 0.6], [Math.max(a, c), 0.8]]);
    }
    rows.push([[2, 1]], [[2, 0.6], [40, 0.8]]);
    const rowStart = new Int32Array(rows.length + 1);
    const index: number[] = [];
    const value: number[] = [];
    rows.forEach((row, t) => {
      for (const [j, x] of row) { index.push(j); value.push(x); }
      rowStart[t + 1] = index.length;
    });
    return { examples: { n, T: rows.length, rowStart, index: Int32Array.from(index), value: Float32Array.from(value) }, params: { m: 2, n, W, b } };
  }

  it.each([1, 2, 3, 4])('finds every active output in adversarial states (seed %i): bitwise equal to the dense kernel', (seed) => {
    const { examples, params } = adversarialState(seed);
    const reference = gradientOf(examples, 2, params, { kernel: 'dense', threads: 1 });
    // The state really sits on the boundary: some outputs with z exactly 0, some just above.
    let onBoundary = 0;
    let justAbove = 0;
    for (let t = 0; t < examples.T; t++) {
      let h0 = 0, h1 = 0;
      for (let k = examples.rowStart[t]; k < examples.rowStart[t + 1]; k++) {
        h0 += params.W[examples.index[k]] * examples.value[k];
        h1 += params.W[examples.n + examples.index[k]] * examples.value[k];
      }
      for (let j = 0; j < examples.n; j++) {
        const z = params.b[j] + params.W[j] * h0 + params.W[examples.n + j] * h1;
        if (z === 0) onBoundary++;
        else if (z > 0 && z < 1e-6 * (Math.abs(params.b[j]) + 1e-30)) justAbove++;
      }
    }
    expect(onBoundary).toBeGreaterThan(10);
    expect(justAbove).toBeGreaterThan(10);
    for (const threads of [1, 2, 3]) {
      const { loss, grads } = gradientOf(examples, 2, params, { kernel: 'wasm', threads });
      expect(loss, `${threads} threads`).toBe(reference.loss);
      expect(bits(grads.W), `${threads} threads: W`).toBe(bits(reference.grads.W));
      expect(bits(grads.b), `${threads} threads: b`).toBe(bits(reference.grads.b));
    }
  });

  it('with W = 0 (h = 0 everywhere) and with non-finite parameters, equals the dense kernel', () => {
    const c = sparseRun(50);
    const examples = trainingExamples(c);
    const params = initialParameters(c);
    params.W.fill(0);
    for (let j = 0; j < params.b.length; j++) params.b[j] = [0.25, 0, -0.25][j % 3];
    const compare = () => {
      const reference = gradientOf(examples, 2, params, { kernel: 'dense', threads: 1 });
      const active = gradientOf(examples, 2, params, { kernel: 'wasm', threads: 2 });
      expect(Object.is(active.loss, reference.loss)).toBe(true);
      expect(bits(active.grads.W)).toBe(bits(reference.grads.W));
      expect(bits(active.grads.b)).toBe(bits(reference.grads.b));
    };
    compare();
    params.W[7] = Number.NaN;
    compare();
    params.W[7] = Number.POSITIVE_INFINITY;
    compare();
  });

  it('reports how many outputs were active and how many it visited', () => {
    const c = sparseRun(300);
    const params = testPoint(c);
    const model = createFusedModel(trainingExamples(c), 2, { kernel: 'wasm', threads: 2 }) as WasmModel;
    model.lossAndGradient(params, newGrads(params));
    const activity = model.activity()!;
    expect(activity.activeFraction).toBeGreaterThan(0);
    expect(activity.visitedFraction).toBeGreaterThanOrEqual(activity.activeFraction);
    expect(activity.visitedFraction).toBeLessThanOrEqual(1);
    model.dispose();
  });
});

describe('run metadata says what computed the run (issue 12)', () => {
  it('each model reports its own backend and thread count', async () => {
    const saved = fusedEngine.threads;
    fusedEngine.threads = 2;
    try {
      const describe = async (c: RunConfig) => {
        const model = await fusedEngine.createModel(trainingExamples(c), c.m);
        model.dispose();
        return `${model.backend}/${model.threads}`;
      };
      expect(await describe(config({ m: 3 }))).toBe('js-float64/1');
      // Tiny problems run the dense WebAssembly kernel on one thread (faster there).
      expect(await describe(config({ data: { family: 'sparse', n: 40, S: 0.8, T: 25 } }))).toBe('wasm-simd-float64-dense/1');
      expect(await describe(config({ data: { family: 'sparse', n: 40, S: 0.8, T: 100 } }))).toBe('wasm-simd-float64/1');
      expect(await describe(config({ data: { family: 'sparse', n: 1000, S: 0.99, T: 500 } }))).toBe('wasm-simd-float64/2');
      expect(createFusedModel(trainingExamples(config({})), 2, { kernel: 'dense', threads: 2 }).backend).toBe('wasm-simd-float64-dense');
    } finally {
      fusedEngine.threads = saved;
    }
  });

  it('meta.json and the status line record the model\'s backend and threads, not the engine\'s defaults', async () => {
    const store = mkdtempSync(path.join(os.tmpdir(), 'meta-'));
    const saved = fusedEngine.threads;
    fusedEngine.threads = 2;
    try {
      const lines: string[] = [];
      const reporter = { line: (text: string) => lines.push(text), detail: (text: string) => lines.push(text), progress: () => ({ update() {}, done() {} }) };
      const experiment = { ...config({ m: 3, steps: 5, snapshots: 0 }), id: 'm3' };
      await ensureRuns([{ label: 'test', experiments: [experiment] }], { storeRoot: store, reporter, jobs: 1 });
      const entry = readEntry(store, experiment.data.family, runHash(experiment));
      expect(entry.kind).toBe('ok');
      if (entry.kind !== 'ok') return;
      expect(entry.meta.engine.backend).toBe('js-float64');
      expect(entry.meta.engine.threads).toBe(1);
      expect(lines.find((line) => line.startsWith('m3  trained in'))).toContain('on js-float64, 1 thread');
    } finally {
      fusedEngine.threads = saved;
      rmSync(store, { recursive: true, force: true });
    }
  });
});
