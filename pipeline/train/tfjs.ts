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

let chosenBackend: Promise<string> | null = null;

async function tryNativeBinding(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false; // optional dependency absent or its libtensorflow download failed
  }
}

/** Picks and initialises the fastest available backend once per process. */
export function selectBackend(): Promise<string> {
  chosenBackend ??= (async () => {
    tf.env().set('IS_TEST', false);
    if ((await tryNativeBinding('@tensorflow/tfjs-node-gpu')) || (await tryNativeBinding('@tensorflow/tfjs-node'))) {
      if (await tf.setBackend('tensorflow')) return 'tfjs-tensorflow';
    }
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) return 'tfjs-wasm';
    } catch {
      // fall through to the plain-JS backend
    }
    await tf.setBackend('cpu');
    return 'tfjs-cpu';
  })();
  return chosenBackend;
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
