/**
 * `fused`: the exact hand-written CPU kernel for the tied ReLU autoencoder.
 *
 * Per example it computes h = W x from the sparse input, then walks the n outputs
 * once, doing forward and backward together, so no T × n matrix ever exists.
 * Gradients are accumulated in float64.
 *
 * Determinism: examples are split into fixed blocks of BLOCK_EXAMPLES; each block's
 * gradient is summed on its own and the blocks are added in block order; the loss is
 * each example's squared error, summed in example order within a block, block sums in
 * block order. The partition depends only on T, never on how many threads run.
 *
 * Four kernels compute exactly this, with bitwise-equal results (the tests hold them
 * to each other and to tfjs autograd): `generic` (any m, the reference), `js` (m = 2,
 * latent coordinates in locals), `dense` (m = 2: WebAssembly SIMD over worker threads,
 * fusedWasm.ts, visiting every output) and `wasm` (m = 2, the default, what training
 * uses: the same WebAssembly passes visiting only the outputs that fire and the non-zero
 * targets, since every other output adds exact zeros; it runs `dense` where that is faster).
 */
import type { SparseExamples } from '../data/datasets.ts';
import type { Engine, Gradients, Model } from './engine.ts';
import type { Parameters } from './init.ts';
import { createWasmModel } from './fusedWasm.ts';
import os from 'node:os';

export const BLOCK_EXAMPLES = 1024;

/** Adds block [tStart, tEnd)'s gradient into gW/gb (when given) and returns its summed squared error. */
function accumulateBlock(
  examples: SparseExamples,
  params: Parameters,
  tStart: number,
  tEnd: number,
  gradScale: number,
  grads: Gradients | null,
  h: Float64Array,
  gh: Float64Array,
): number {
  const { n, rowStart, index, value } = examples;
  const { m, W, b } = params;
  let squaredError = 0;
  for (let t = tStart; t < tEnd; t++) {
    const rowEnd = rowStart[t + 1];
    let exampleError = 0;
    // Encoder: h = W x over the non-zeros only.
    for (let r = 0; r < m; r++) {
      let acc = 0;
      for (let k = rowStart[t]; k < rowEnd; k++) acc += W[r * n + index[k]] * value[k];
      h[r] = acc;
      gh[r] = 0;
    }
    // Decoder and backward in one pass over the outputs; `next` walks the sorted non-zeros.
    let k = rowStart[t];
    let next = k < rowEnd ? index[k] : n;
    for (let j = 0; j < n; j++) {
      let z = b[j];
      for (let r = 0; r < m; r++) z += W[r * n + j] * h[r];
      let target = 0;
      if (j === next) {
        target = value[k];
        k++;
        next = k < rowEnd ? index[k] : n;
      }
      const output = 0.5 * (z + Math.abs(z)); // branchless ReLU
      const diff = output - target;
      exampleError += diff * diff;
      // ReLU'(z) = 0 for z <= 0 (PyTorch's convention at 0): inactive outputs add no gradient.
      if (grads !== null && z > 0) {
        const d = gradScale * diff;
        grads.b[j] += d;
        for (let r = 0; r < m; r++) {
          grads.W[r * n + j] += d * h[r];
          gh[r] += W[r * n + j] * d;
        }
      }
    }
    // Encoder backward: dL/dW[r, j] += (dL/dh_r) x_j over the non-zeros.
    if (grads !== null) {
      for (let q = rowStart[t]; q < rowEnd; q++) {
        for (let r = 0; r < m; r++) grads.W[r * n + index[q]] += gh[r] * value[q];
      }
    }
    squaredError += exampleError;
  }
  return squaredError;
}

/**
 * The same computation as accumulateBlock, specialised to m = 2 (the article's latent
 * plane): the two latent coordinates live in locals, and the output walk runs in
 * zero-target stretches between non-zeros so the inner loop has no index test.
 * Every run in the article has m = 2, so this is the hot path; tests hold it to the
 * general kernel and to tfjs autograd.
 */
function accumulateBlockM2(
  examples: SparseExamples,
  params: Parameters,
  tStart: number,
  tEnd: number,
  gradScale: number,
  grads: Gradients | null,
): number {
  const { n, rowStart, index, value } = examples;
  const W0 = params.W.subarray(0, n);
  const W1 = params.W.subarray(n, 2 * n);
  const b = params.b;
  const gW0 = grads ? grads.W.subarray(0, n) : null;
  const gW1 = grads ? grads.W.subarray(n, 2 * n) : null;
  const gb = grads ? grads.b : null;
  let squaredError = 0;
  for (let t = tStart; t < tEnd; t++) {
    const rowEnd = rowStart[t + 1];
    let h0 = 0;
    let h1 = 0;
    for (let k = rowStart[t]; k < rowEnd; k++) {
      h0 += W0[index[k]] * value[k];
      h1 += W1[index[k]] * value[k];
    }
    let gh0 = 0;
    let gh1 = 0;
    let exampleError = 0;
    let j = 0;
    for (let k = rowStart[t]; k <= rowEnd; k++) {
      // Outputs j .. stop-1 have target 0; output `stop` (if k < rowEnd) has target value[k].
      const stop = k < rowEnd ? index[k] : n;
      for (; j < stop; j++) {
        const z = b[j] + W0[j] * h0 + W1[j] * h1;
        if (z > 0) {
          exampleError += z * z;
          if (gb !== null) {
            const d = gradScale * z;
            gb[j] += d;
            gW0![j] += d * h0;
            gW1![j] += d * h1;
            gh0 += W0[j] * d;
            gh1 += W1[j] * d;
          }
        }
      }
      if (k === rowEnd) break;
      const z = b[j] + W0[j] * h0 + W1[j] * h1;
      const diff = 0.5 * (z + Math.abs(z)) - value[k];
      exampleError += diff * diff;
      if (gb !== null && z > 0) {
        const d = gradScale * diff;
        gb[j] += d;
        gW0![j] += d * h0;
        gW1![j] += d * h1;
        gh0 += W0[j] * d;
        gh1 += W1[j] * d;
      }
      j++;
    }
    if (gb !== null) {
      for (let k = rowStart[t]; k < rowEnd; k++) {
        gW0![index[k]] += gh0 * value[k];
        gW1![index[k]] += gh1 * value[k];
      }
    }
    squaredError += exampleError;
  }
  return squaredError;
}

/** Which implementation computes the m = 2 case; all give bitwise-equal results. */
export type FusedKernel = 'wasm' | 'dense' | 'js' | 'generic';

export interface FusedOptions {
  /**
   * 'wasm' (default for m = 2): SIMD WebAssembly over threads, visiting only active outputs
   * and non-zero targets; 'dense': the same WebAssembly kernel visiting every output (the
   * reference it is held to); 'js': the m = 2 JS kernel; 'generic': any m.
   */
  kernel?: FusedKernel;
  /** Threads for the wasm kernel (default 1); results do not depend on it. */
  threads?: number;
  /**
   * 'wasm' kernel: above this fraction of outputs visited, run the dense kernel for a while
   * (faster there; same bits). Tests pass Infinity to exercise the active path every step.
   */
  denseAbove?: number;
}

/** Below this much work per step (outputs × examples) extra threads cost more than they save. */
const MIN_WORK_PER_THREAD = 100_000;

export function createFusedModel(examples: SparseExamples, m: number, options: FusedOptions = {}): Model {
  const { n } = examples;
  const kernel = m !== 2 ? 'generic' : (options.kernel ?? 'wasm');
  if (kernel === 'wasm' || kernel === 'dense') {
    return createWasmModel(examples, { threads: Math.max(1, options.threads ?? 1), blockExamples: BLOCK_EXAMPLES, activeOnly: kernel === 'wasm', denseAbove: options.denseAbove });
  }
  const useM2 = kernel === 'js';
  const h = new Float64Array(m);
  const gh = new Float64Array(m);
  // One gradient buffer per block beyond the first, so the reduction order is fixed.
  const blockGrads: Gradients[] = [];
  let T = 0;
  let blocks = 0;
  /** Points the kernels at a set of examples (at creation, and per batch for data streams). */
  function useExamples(next: SparseExamples): void {
    if (next.n !== n) throw new Error(`fused model: setExamples needs examples of dimension n = ${n}, got ${next.n}`);
    examples = next;
    T = next.T;
    blocks = Math.ceil(T / BLOCK_EXAMPLES);
    while (blockGrads.length < blocks - 1) blockGrads.push({ W: new Float64Array(m * n), b: new Float64Array(n) });
    blockGrads.length = Math.max(0, blocks - 1);
  }
  useExamples(examples);

  function run(params: Parameters, grads: Gradients | null): number {
    const gradScale = 2 / T;
    let total = 0;
    for (let k = 0; k < blocks; k++) {
      const target = grads === null ? null : k === 0 ? grads : blockGrads[k - 1];
      if (target) {
        target.W.fill(0);
        target.b.fill(0);
      }
      const tStart = k * BLOCK_EXAMPLES;
      const tEnd = Math.min(T, tStart + BLOCK_EXAMPLES);
      total +=
        useM2
          ? accumulateBlockM2(examples, params, tStart, tEnd, gradScale, target)
          : accumulateBlock(examples, params, tStart, tEnd, gradScale, target, h, gh);
    }
    if (grads !== null) {
      for (const block of blockGrads) {
        for (let i = 0; i < block.W.length; i++) grads.W[i] += block.W[i];
        for (let i = 0; i < block.b.length; i++) grads.b[i] += block.b[i];
      }
    }
    return total / T;
  }

  return {
    backend: 'js-float64',
    threads: 1,
    lossAndGradient: (params, grads) => run(params, grads),
    loss: (params) => run(params, null),
    setExamples: useExamples,
    dispose() {},
  };
}

export interface FusedEngine extends Engine {
  /** Threads the next models will use; set from --threads (default: the machine's parallelism). */
  threads: number;
}

export const fusedEngine: FusedEngine = {
  id: 'fused',
  sourceEntry: 'pipeline/train/fused.ts',
  threads: os.availableParallelism(),
  backend: async () => 'wasm-simd-float64',
  createModel: async (examples, m) => {
    // Small problems run on fewer threads; results are the same either way.
    const threads = Math.max(1, Math.min(fusedEngine.threads, Math.floor((examples.n * examples.T) / MIN_WORK_PER_THREAD)));
    return createFusedModel(examples, m, { threads });
  },
};
