/**
 * The `webgpu` engine (WGSL through Dawn) against the tfjs oracle, the float64 fused
 * engine and finite differences; bitwise repeatability; adapter policy; engine choice.
 *
 * Runs on whatever adapter this machine has. Without a GPU that is Mesa's software
 * renderer (llvmpipe through Dawn's OpenGL ES backend), allowed here explicitly; the
 * suite names the adapter and says when it is a software one. Nothing is skipped: with
 * no adapter at all every test fails with the packages to install.
 */
import { describe, expect, it } from 'vitest';
import { trainingExamples } from '../../pipeline/data/datasets.ts';
import type { Experiment, RunConfig } from '../../pipeline/experiments/types.ts';
import { validateExperiment } from '../../pipeline/experiments/validate.ts';
import { runHash } from '../../pipeline/stages/runs.ts';
import type { Gradients } from '../../pipeline/train/engine.ts';
import { effectiveEngineId, engineFor, ENGINE_OVERRIDE_VARIABLE, EngineOverrideError } from '../../pipeline/train/engines.ts';
import { createFusedModel } from '../../pipeline/train/fused.ts';
import type { Parameters } from '../../pipeline/train/init.ts';
import { train, type TrainState } from '../../pipeline/train/loop.ts';
import { backendDescription, createTfjsModel, useBackend } from '../../pipeline/train/tfjs.ts';
import { chooseAdapter, isSoftwareAdapter, NoAdapterError, SOFTWARE_ADAPTER_PACKAGES, type GpuAdapter } from '../../pipeline/train/webgpu/device.ts';
import { createWebgpuModel, dispatchShape, transpose, webgpuEngine } from '../../pipeline/train/webgpu/engine.ts';
import { maxRelativeError, newGrads, testPoint } from '../fixtures/gradients.ts';

// The tests are about correctness, so a software adapter is fine here (and is what CI has).
process.env.WEBGPU_ALLOW_SOFTWARE = '1';

let adapter: GpuAdapter | null = null;
let missing = '';
try {
  adapter = await chooseAdapter({ allowSoftware: true });
} catch (error) {
  missing = `${(error as Error).message} (README, section GPU; .ci/run installs ${SOFTWARE_ADAPTER_PACKAGES})`;
}
const where = adapter
  ? `${adapter.name}${adapter.software ? ' (SOFTWARE adapter: checks correctness only, says nothing about GPU speed)' : ' (hardware adapter)'}`
  : 'NO ADAPTER';
console.info(`webgpu tests run on: ${where}`);

/** The adapter, or the failure every test reports when there is none. */
function gpu(): GpuAdapter {
  if (!adapter) throw new Error(missing);
  return adapter;
}

function config(overrides: Partial<RunConfig>): RunConfig {
  return {
    data: { family: 'sparse', n: 40, S: 0.8, T: 25 },
    m: 2,
    bias: true,
    steps: 40,
    schedule: { kind: 'warmup-cosine', peakLr: 1e-2, warmupSteps: 5 },
    weightDecay: 1e-2,
    seed: 11,
    engine: 'webgpu',
    snapshots: 3,
    ...overrides,
  };
}

const cases: [string, Partial<RunConfig>][] = [
  ['sparse data with bias, m = 2', {}],
  ['identity data, no bias, m = 2', { data: { family: 'identity', n: 6 }, bias: false }],
  ['sparse data, m = 3', { m: 3 }],
  ['dense data (S = 0), m = 1', { data: { family: 'sparse', n: 12, S: 0, T: 7 }, m: 1 }],
  // More outputs and examples than a workgroup has invocations: strided walks and the tree sums.
  ['several workgroup strides, odd n and T', { data: { family: 'sparse', n: 601, S: 0.95, T: 777 } }],
  ['identity data, n = 300', { data: { family: 'identity', n: 300 } }],
];

async function webgpuGradient(c: RunConfig, params: Parameters): Promise<{ loss: number; grads: Gradients }> {
  const model = await createWebgpuModel(trainingExamples(c), c.m, gpu());
  try {
    const grads = newGrads(params);
    return { loss: await model.lossAndGradient(params, grads), grads };
  } finally {
    model.dispose();
  }
}

const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

describe(`webgpu engine on ${where}`, () => {
  it('has a WebGPU adapter', () => {
    expect(gpu().name.length).toBeGreaterThan(0);
    expect(isSoftwareAdapter((gpu().adapter as unknown as { info: GPUAdapterInfo }).info)).toBe(gpu().software);
  });

  it.each(cases)('matches tfjs autograd: %s', async (_name, overrides) => {
    const c = config(overrides);
    const params = testPoint(c);
    const { loss, grads } = await webgpuGradient(c, params);
    const oracle = newGrads(params);
    const tfjsModel = await createTfjsModel(trainingExamples(c), c.m);
    const tfjsLoss = tfjsModel.lossAndGradient(params, oracle);
    tfjsModel.dispose();
    // Both float32, summed in different orders; tfjs sums T × n squared errors in one
    // reduction, which loses digits at this size (the next test holds the loss to 1e-6).
    expect(Math.abs(loss - tfjsLoss) / tfjsLoss).toBeLessThan(1e-4);
    expect(maxRelativeError(grads.W, oracle.W)).toBeLessThan(1e-4);
    expect(maxRelativeError(grads.b, oracle.b)).toBeLessThan(1e-4);
  });

  it.each(cases)('matches the float64 fused engine to float32 accuracy: %s', async (_name, overrides) => {
    const c = config(overrides);
    const params = testPoint(c);
    const { loss, grads } = await webgpuGradient(c, params);
    const reference = newGrads(params);
    const fused = createFusedModel(trainingExamples(c), c.m, { kernel: 'generic' });
    const referenceLoss = fused.lossAndGradient(params, reference);
    expect(Math.abs(loss - referenceLoss) / referenceLoss).toBeLessThan(1e-6);
    expect(maxRelativeError(grads.W, reference.W)).toBeLessThan(1e-5);
    expect(maxRelativeError(grads.b, reference.b)).toBeLessThan(1e-5);
  });

  // Finite differences of a float32 loss are dominated by its rounding (and by ReLU kinks
  // at steps large enough to beat it), so the GPU gradient is held to central differences
  // of the same loss computed in float64, with a step small enough to cross no kink.
  it.each(cases)('matches central finite differences: %s', async (_name, overrides) => {
    const c = config(overrides);
    const params = testPoint(c);
    const { grads } = await webgpuGradient(c, params);
    const exact = createFusedModel(trainingExamples(c), c.m, { kernel: 'generic' });
    const check = (array: Float32Array, analytic: Float64Array) => {
      for (let i = 0; i < array.length; i += Math.max(1, Math.floor(array.length / 23))) {
        const original = array[i];
        array[i] = original + 1e-5;
        const up = array[i];
        const lossUp = exact.loss(params);
        array[i] = original - 1e-5;
        const down = array[i];
        const lossDown = exact.loss(params);
        array[i] = original;
        const numeric = (lossUp - lossDown) / (up - down);
        expect(Math.abs(numeric - analytic[i]), `parameter ${i}: numeric ${numeric}, webgpu ${analytic[i]}`).toBeLessThan(1e-5 + 1e-3 * Math.abs(analytic[i]));
      }
    };
    check(params.W, grads.W);
    if (c.bias) check(params.b, grads.b);
  });

  it('is bitwise repeatable: the same evaluation twice, and the loss alone equals the loss with the gradient', async () => {
    const c = config(cases[4][1]);
    const params = testPoint(c);
    const model = await createWebgpuModel(trainingExamples(c), c.m, gpu());
    const first = newGrads(params);
    const second = newGrads(params);
    const loss1 = await model.lossAndGradient(params, first);
    const loss2 = await model.lossAndGradient(params, second);
    const lossAlone = await model.loss(params);
    model.dispose();
    expect(loss2).toBe(loss1);
    expect(lossAlone).toBe(loss1);
    expect(bits(second.W)).toBe(bits(first.W));
    expect(bits(second.b)).toBe(bits(first.b));
  });

  it('trains through the shared loop: bitwise-identical twice, and close to the fused engine', async () => {
    gpu();
    const c = config({ data: { family: 'sparse', n: 101, S: 0.9, T: 150 }, steps: 40 });
    const fingerprint = (s: TrainState) => [bits(s.params.W), bits(s.params.b), bits(s.adamW.v), JSON.stringify(s.loss), s.snapshotsW.map(bits).join()];
    const a = await train(c, webgpuEngine, null);
    const b = await train(c, webgpuEngine, null);
    expect(a.finished && b.finished).toBe(true);
    expect(fingerprint(b.state)).toEqual(fingerprint(a.state));
    const fused = await train({ ...c, engine: 'fused' }, engineFor({ engine: 'fused' }), null);
    // Same AdamW on float32 vs float64 gradients: trajectories agree to a few float32 ulps per step.
    expect(maxRelativeError(a.state.params.W, fused.state.params.W)).toBeLessThan(1e-3);
    expect(a.state.loss.length).toBe(fused.state.loss.length);
    expect(Math.abs(a.state.loss.at(-1)! - fused.state.loss.at(-1)!) / fused.state.loss.at(-1)!).toBeLessThan(1e-3);
  });

  it('refuses a software adapter unless it is explicitly allowed, in one line', async () => {
    if (gpu().software) {
      const refusal = chooseAdapter({ allowSoftware: false });
      await expect(refusal).rejects.toThrow(NoAdapterError);
      await expect(refusal).rejects.toThrow(/Set WEBGPU_ALLOW_SOFTWARE=1/);
      await expect(refusal.catch((e: Error) => e.message)).resolves.not.toContain('\n');
    } else {
      expect((await chooseAdapter({ allowSoftware: false })).software).toBe(false);
    }
    expect(await webgpuEngine.backend()).toContain(gpu().name);
  });

  it('rejects what the kernels cannot take with a clear error', async () => {
    const c = config({ m: 8, data: { family: 'sparse', n: 20, S: 0.5, T: 5 } });
    await expect(createWebgpuModel(trainingExamples(c), 8, gpu())).rejects.toThrow(/1 ≤ m ≤ 7 \(got m = 8\)/);
  });

  it('tfjs runs on this adapter through its WebGPU backend when asked, and never picks a software adapter by itself', async () => {
    const c = config({});
    const params = testPoint(c);
    const oracle = newGrads(params);
    const reference = await createTfjsModel(trainingExamples(c), c.m);
    const referenceLoss = reference.lossAndGradient(params, oracle);
    reference.dispose();
    expect(await useBackend('tfjs-webgpu', true)).toBe(!gpu().software);
    expect(await useBackend('tfjs-webgpu')).toBe(true);
    expect(await backendDescription()).toBe(`tfjs-webgpu (${gpu().name}${gpu().software ? ', software' : ''})`);
    const model = await engineFor({ engine: 'tfjs' }).createModel(trainingExamples(c), c.m);
    const grads = newGrads(params);
    const loss = await model.lossAndGradient(params, grads);
    model.dispose();
    expect(Math.abs(loss - referenceLoss) / referenceLoss).toBeLessThan(1e-5);
    expect(maxRelativeError(grads.W, oracle.W)).toBeLessThan(1e-4);
    expect(maxRelativeError(grads.b, oracle.b)).toBeLessThan(1e-4);
  });
});

describe('webgpu engine plumbing (no GPU needed)', () => {
  it('regroups the non-zeros by feature in example order (CSC)', () => {
    const examples = trainingExamples(config({ data: { family: 'sparse', n: 30, S: 0.7, T: 20 } }));
    const { colStart, colRow, colValue } = transpose(examples);
    expect(colStart[30]).toBe(examples.index.length);
    for (let j = 0; j < 30; j++) {
      for (let k = colStart[j]; k < colStart[j + 1]; k++) {
        const t = colRow[k];
        if (k > colStart[j]) expect(t).toBeGreaterThan(colRow[k - 1]);
        const at = examples.index.subarray(examples.rowStart[t], examples.rowStart[t + 1]).indexOf(j);
        expect(examples.value[examples.rowStart[t] + at]).toBe(colValue[k]);
      }
    }
  });

  it('splits large dispatches within the per-dimension limit', () => {
    expect(dispatchShape(10_000, 65_535)).toEqual([10_000, 1]);
    expect(dispatchShape(100_000, 65_535)).toEqual([65_535, 2]);
    expect(dispatchShape(0, 65_535)).toEqual([1, 0]);
  });

  it('experiments may name webgpu; TRAIN_ENGINE overrides the engine before hashing', () => {
    const experiment: Experiment = { id: 'webgpu-choice', ...config({ engine: 'fused' }) };
    expect(() => validateExperiment({ ...experiment, engine: 'webgpu' })).not.toThrow();
    const saved = process.env[ENGINE_OVERRIDE_VARIABLE];
    try {
      delete process.env[ENGINE_OVERRIDE_VARIABLE];
      const fusedHash = runHash(experiment);
      expect(effectiveEngineId(experiment)).toBe('fused');
      process.env[ENGINE_OVERRIDE_VARIABLE] = 'webgpu';
      expect(effectiveEngineId(experiment)).toBe('webgpu');
      expect(engineFor(experiment)).toBe(webgpuEngine);
      const overridden = runHash(experiment);
      expect(overridden).not.toBe(fusedHash);
      delete process.env[ENGINE_OVERRIDE_VARIABLE];
      expect(runHash({ ...experiment, engine: 'webgpu' })).toBe(overridden);
      process.env[ENGINE_OVERRIDE_VARIABLE] = 'cuda';
      expect(() => effectiveEngineId(experiment)).toThrow(EngineOverrideError);
      expect(() => effectiveEngineId(experiment)).toThrow('TRAIN_ENGINE="cuda" is not an engine; use one of fused, tfjs, webgpu');
    } finally {
      if (saved === undefined) delete process.env[ENGINE_OVERRIDE_VARIABLE];
      else process.env[ENGINE_OVERRIDE_VARIABLE] = saved;
    }
  });
});
