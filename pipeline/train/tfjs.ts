/**
 * `tfjs`: the same model written with TensorFlow.js ops and autograd. It is the
 * gradient oracle for `fused` in tests and the engine for model variants that have
 * no fused kernel. It runs on the best backend present: WebGPU when this machine has a
 * hardware GPU adapter (never a software one), else WebAssembly, else plain JS; the run
 * records which. tfjs-node-gpu and tfjs-node are explicit opt-ins: used first when a user
 * installs them by hand, never installed by npm ci (they download libtensorflow).
 */
// The union package's Node bundle registers the gradient of every op (tfjs-core alone does not).
import * as tf from '@tensorflow/tfjs';
import type { SparseExamples } from '../data/datasets.ts';
import type { AsyncModel, Engine, Gradients, Model } from './engine.ts';
import type { Parameters } from './init.ts';
import { chooseAdapter, hardwareAdapter, webgpuGlobals, type GpuAdapter } from './webgpu/device.ts';

/** Imports an optional package by name (a variable, so the type checker does not require it). */
const optionalImport = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

let webgpuAdapter: GpuAdapter | null = null;

/**
 * Registers tfjs's WebGPU backend on our adapter. The backend looks for navigator.gpu when
 * it is imported, so that is put in place first, answering with the adapter device.ts
 * chose (hardware only when choosing automatically, for speed).
 */
async function loadWebgpuBackend(automatic: boolean): Promise<void> {
  const chosen = automatic ? await hardwareAdapter() : await chooseAdapter();
  if (!chosen) throw new Error('no hardware WebGPU adapter');
  const scope = globalThis as unknown as Record<string, unknown> & { navigator?: Record<string, unknown> };
  for (const [name, value] of Object.entries(await webgpuGlobals())) if (!(name in scope)) scope[name] = value;
  const gpu = { requestAdapter: () => chosen.another(), getPreferredCanvasFormat: () => 'rgba8unorm', wgslLanguageFeatures: new Set<string>() };
  if (!scope.navigator) scope.navigator = {};
  Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
  await optionalImport('@tensorflow/tfjs-backend-webgpu');
  webgpuAdapter = chosen;
}

/**
 * tfjs backends in order of preference. `synchronous`: tensors can be read without
 * awaiting (WebGPU's cannot: Node has no synchronous GPU readback).
 */
const BACKENDS = [
  { label: 'tfjs-node-gpu', tfName: 'tensorflow', synchronous: true, load: async () => void (await optionalImport('@tensorflow/tfjs-node-gpu')) },
  { label: 'tfjs-node', tfName: 'tensorflow', synchronous: true, load: async () => void (await optionalImport('@tensorflow/tfjs-node')) },
  { label: 'tfjs-webgpu', tfName: 'webgpu', synchronous: false, load: loadWebgpuBackend },
  { label: 'tfjs-wasm', tfName: 'wasm', synchronous: true, load: async () => void (await import('@tensorflow/tfjs-backend-wasm')) },
  { label: 'tfjs-cpu', tfName: 'cpu', synchronous: true, load: async () => undefined },
] as const;

export type BackendLabel = (typeof BACKENDS)[number]['label'];
export const BACKEND_LABELS: BackendLabel[] = BACKENDS.map((b) => b.label);

let activeBackend: BackendLabel | null = null;

/**
 * Switches tfjs to one backend; false when it is not installed or fails to start. Asked
 * for by name, tfjs-webgpu takes the adapter device.ts allows (a software one only with
 * WEBGPU_ALLOW_SOFTWARE=1); chosen automatically (selectBackend) only a hardware one.
 */
export async function useBackend(label: BackendLabel, automatic = false): Promise<boolean> {
  const backend = BACKENDS.find((b) => b.label === label)!;
  try {
    await backend.load(automatic);
    if (!(await tf.setBackend(backend.tfName))) return false;
  } catch {
    return false; // not installed, no adapter, or it failed to start
  }
  activeBackend = label;
  return true;
}

/**
 * The active backend, choosing the most preferred one that works on first use.
 * `synchronous`: only a backend whose tensors can be read without awaiting (what the
 * synchronous oracle model needs), switching away from WebGPU if it is active.
 */
export async function selectBackend(options: { synchronous?: boolean } = {}): Promise<BackendLabel> {
  const fits = (label: BackendLabel) => !options.synchronous || BACKENDS.find((b) => b.label === label)!.synchronous;
  if (activeBackend && fits(activeBackend)) return activeBackend;
  tf.env().set('IS_TEST', false);
  for (const { label } of BACKENDS) if (fits(label) && (await useBackend(label, true))) return label;
  throw new Error('tfjs: no backend could be initialised (not even the plain-JS cpu backend)');
}

/** The backend as recorded in a run's metadata: its label, and the adapter for WebGPU. */
export async function backendDescription(): Promise<string> {
  const label = await selectBackend();
  return label === 'tfjs-webgpu' && webgpuAdapter ? `${label} (${webgpuAdapter.name}${webgpuAdapter.software ? ', software' : ''})` : label;
}

function denseExamples(examples: SparseExamples): Float32Array {
  const { n, T, rowStart, index, value } = examples;
  const X = new Float32Array(T * n);
  for (let t = 0; t < T; t++) {
    for (let k = rowStart[t]; k < rowStart[t + 1]; k++) X[t * n + index[k]] = value[k];
  }
  return X;
}

/** The model's tensors and the two computations, shared by the synchronous and asynchronous models. */
function tfjsComputation(examples: SparseExamples, m: number) {
  const { n, T } = examples;
  const X = tf.tensor2d(denseExamples(examples), [T, n]);

  // L(W, b) = (1/T) Σ_t Σ_j (ReLU(x_t Wᵀ W + b) − x_t)², with examples as rows of X.
  const lossOf = (W: tf.Tensor2D, b: tf.Tensor1D): tf.Scalar =>
    tf.tidy(() => {
      const hidden = tf.matMul(X, W, false, true); // T × m
      const output = tf.relu(tf.add(tf.matMul(hidden, W), b)); // T × n
      return tf.div(tf.sum(tf.square(tf.sub(output, X))), T) as tf.Scalar;
    });
  const valueAndGrads = tf.valueAndGrads((W: tf.Tensor, b: tf.Tensor) => lossOf(W as tf.Tensor2D, b as tf.Tensor1D));
  const asTensors = (params: Parameters) => [tf.tensor2d(params.W, [m, n]), tf.tensor1d(params.b)] as const;
  return {
    /** Loss and gradient tensors at `params`; the caller reads and disposes them. */
    withGradient(params: Parameters) {
      const [W, b] = asTensors(params);
      const { value, grads } = valueAndGrads([W, b]);
      return { value, gW: grads[0], gb: grads[1], inputs: [W, b] };
    },
    lossOnly(params: Parameters) {
      const [W, b] = asTensors(params);
      return { value: lossOf(W, b), inputs: [W, b] };
    },
    dispose: () => X.dispose(),
  };
}

/** The model on a backend with synchronous reads (the oracle in tests: wasm or cpu unless tfjs-node is installed). */
export async function createTfjsModel(examples: SparseExamples, m: number): Promise<Model> {
  await selectBackend({ synchronous: true });
  const computation = tfjsComputation(examples, m);
  return {
    lossAndGradient(params: Parameters, grads: Gradients): number {
      const { value, gW, gb, inputs } = computation.withGradient(params);
      grads.W.set(gW.dataSync());
      grads.b.set(gb.dataSync());
      const loss = value.dataSync()[0];
      tf.dispose([value, gW, gb, ...inputs]);
      return loss;
    },
    loss(params: Parameters): number {
      const { value, inputs } = computation.lossOnly(params);
      const loss = value.dataSync()[0];
      tf.dispose([value, ...inputs]);
      return loss;
    },
    dispose: computation.dispose,
  };
}

/** The model on whatever backend is active, reading results by awaiting (needed on WebGPU). */
export async function createTfjsAsyncModel(examples: SparseExamples, m: number): Promise<AsyncModel> {
  await selectBackend();
  const computation = tfjsComputation(examples, m);
  return {
    async lossAndGradient(params: Parameters, grads: Gradients): Promise<number> {
      const { value, gW, gb, inputs } = computation.withGradient(params);
      try {
        const [w, b, loss] = await Promise.all([gW.data(), gb.data(), value.data()]);
        grads.W.set(w);
        grads.b.set(b);
        return loss[0];
      } finally {
        tf.dispose([value, gW, gb, ...inputs]);
      }
    },
    async loss(params: Parameters): Promise<number> {
      const { value, inputs } = computation.lossOnly(params);
      try {
        return (await value.data())[0];
      } finally {
        tf.dispose([value, ...inputs]);
      }
    },
    dispose: computation.dispose,
  };
}

export const tfjsEngine: Engine = {
  id: 'tfjs',
  sourceEntry: 'pipeline/train/tfjs.ts',
  threads: 1,
  backend: backendDescription,
  createModel: async (examples, m) => {
    const label = await selectBackend();
    return BACKENDS.find((b) => b.label === label)!.synchronous ? createTfjsModel(examples, m) : createTfjsAsyncModel(examples, m);
  },
};
