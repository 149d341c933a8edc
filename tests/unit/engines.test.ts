import { describe, expect, it } from 'vitest';
import { trainingExamples, type SparseExamples } from '../../pipeline/data/datasets.ts';
import type { Experiment, RunConfig } from '../../pipeline/experiments/types.ts';
import { createFusedModel, BLOCK_EXAMPLES, type FusedOptions } from '../../pipeline/train/fused.ts';
import { createTfjsModel, selectBackend } from '../../pipeline/train/tfjs.ts';
import { fusedEngine } from '../../pipeline/train/fused.ts';
import { initialParameters, type Parameters } from '../../pipeline/train/init.ts';
import type { Gradients } from '../../pipeline/train/engine.ts';
import { train, type TrainState } from '../../pipeline/train/loop.ts';
import { readCheckpoint, writeCheckpoint } from '../../pipeline/store/runStore.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KERNEL_SOURCE_SHA256 } from '../../pipeline/train/wasm/kernel.wasm.ts';
import { REPO_ROOT, sha256 } from '../../pipeline/store/provenance.ts';
import { readFileSync } from 'node:fs';
import { runHash } from '../../pipeline/stages/runs.ts';

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

/** Parameters away from init, with a bias that leaves some outputs active and some not. */
function testPoint(c: RunConfig): Parameters {
  const p = initialParameters(c);
  for (let i = 0; i < p.W.length; i++) p.W[i] *= 3;
  for (let j = 0; j < p.b.length; j++) p.b[j] = 0.05 * Math.sin(3 * j);
  return p;
}

const newGrads = (p: Parameters): Gradients => ({ W: new Float64Array(p.W.length), b: new Float64Array(p.b.length) });

function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

const cases: [string, Partial<RunConfig>][] = [
  ['sparse data with bias, m = 2', {}],
  ['identity data, no bias, m = 2', { data: { family: 'identity', n: 6 }, bias: false }],
  ['sparse data, m = 3 (general kernel)', { m: 3 }],
  ['dense data (S = 0), m = 1', { data: { family: 'sparse', n: 12, S: 0, T: 7 }, m: 1 }],
];

/** Every implementation of the fused engine; m != 2 always runs the generic kernel. */
const variants: [string, FusedOptions][] = [
  ['wasm, 1 thread', { kernel: 'wasm', threads: 1 }],
  ['wasm, 2 threads', { kernel: 'wasm', threads: 2 }],
  ['wasm, 16 threads', { kernel: 'wasm', threads: 16 }],
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
