/**
 * `tfjs`: the same model written with TensorFlow.js ops and autograd. It is the
 * gradient oracle for `fused` in tests and the engine for model variants that have
 * no fused kernel. It runs on the best backend installed: tfjs-node-gpu or tfjs-node
 * (optional dependencies), else WebAssembly, else plain JS; the run records which.
 */
// The union package's Node bundle registers the gradient of every op (tfjs-core alone does not).
import * as tf from '@tensorflow/tfjs';
import type { SparseExamples } from '../data/datasets.ts';
import type { Engine, Gradients, Model } from './engine.ts';
import type { Parameters } from './init.ts';

/** Imports an optional package by name (a variable, so the type checker does not require it). */
const optionalImport = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

/** tfjs backends in order of preference; the native ones are optional dependencies. */
const BACKENDS = [
  { label: 'tfjs-node-gpu', tfName: 'tensorflow', load: () => optionalImport('@tensorflow/tfjs-node-gpu') },
  { label: 'tfjs-node', tfName: 'tensorflow', load: () => optionalImport('@tensorflow/tfjs-node') },
  { label: 'tfjs-wasm', tfName: 'wasm', load: () => import('@tensorflow/tfjs-backend-wasm') },
  { label: 'tfjs-cpu', tfName: 'cpu', load: async () => undefined },
] as const;

export type BackendLabel = (typeof BACKENDS)[number]['label'];
export const BACKEND_LABELS: BackendLabel[] = BACKENDS.map((b) => b.label);

let activeBackend: BackendLabel | null = null;

/** Switches tfjs to one backend; false when it is not installed or fails to start. */
export async function useBackend(label: BackendLabel): Promise<boolean> {
  const backend = BACKENDS.find((b) => b.label === label)!;
  try {
    await backend.load();
    if (!(await tf.setBackend(backend.tfName))) return false;
  } catch {
    return false; // optional dependency absent, or its libtensorflow download failed at install
  }
  activeBackend = label;
  return true;
}

/** The active backend, choosing the most preferred one that works on first use. */
export async function selectBackend(): Promise<BackendLabel> {
  if (activeBackend) return activeBackend;
  tf.env().set('IS_TEST', false);
  for (const { label } of BACKENDS) if (await useBackend(label)) return label;
  throw new Error('tfjs: no backend could be initialised (not even the plain-JS cpu backend)');
}

function denseExamples(examples: SparseExamples): Float32Array {
  const { n, T, rowStart, index, value } = examples;
  const X = new Float32Array(T * n);
  for (let t = 0; t < T; t++) {
    for (let k = rowStart[t]; k < rowStart[t + 1]; k++) X[t * n + index[k]] = value[k];
  }
  return X;
}

export async function createTfjsModel(examples: SparseExamples, m: number): Promise<Model> {
  await selectBackend();
  const { n } = examples;
  let T = examples.T;
  let X = tf.tensor2d(denseExamples(examples), [T, n]);

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
    lossAndGradient(params: Parameters, grads: Gradients): number {
      const [W, b] = asTensors(params);
      const { value, grads: g } = valueAndGrads([W, b]);
      grads.W.set(g[0].dataSync());
      grads.b.set(g[1].dataSync());
      const loss = value.dataSync()[0];
      tf.dispose([W, b, value, ...g]);
      return loss;
    },
    loss(params: Parameters): number {
      const [W, b] = asTensors(params);
      const value = lossOf(W, b);
      const loss = value.dataSync()[0];
      tf.dispose([W, b, value]);
      return loss;
    },
    setExamples(next: SparseExamples) {
      if (next.n !== n) throw new Error(`tfjs model: setExamples needs examples of dimension n = ${n}, got ${next.n}`);
      X.dispose();
      T = next.T;
      X = tf.tensor2d(denseExamples(next), [T, n]);
    },
    dispose() {
      X.dispose();
    },
  };
}

export const tfjsEngine: Engine = {
  id: 'tfjs',
  sourceEntry: 'pipeline/train/tfjs.ts',
  threads: 1,
  backend: selectBackend,
  createModel: createTfjsModel,
};
