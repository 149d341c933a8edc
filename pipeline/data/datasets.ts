/**
 * Training and test examples, generated from the config's seed streams.
 * Examples are stored sparse (CSR): the sparse family at S = 0.999 has about ten
 * non-zeros among n = 10,000 entries, and nothing downstream needs the dense matrix.
 */
import type { DataSpec, RunConfig } from '../experiments/types.ts';
import { randomStream, type RandomStream } from './rng.ts';

/** T examples of dimension n in compressed-sparse-row form. */
export interface SparseExamples {
  n: number;
  T: number;
  /** Example t occupies entries rowStart[t] .. rowStart[t+1]-1 of `index` and `value`. */
  rowStart: Int32Array;
  index: Int32Array;
  value: Float32Array;
}

/** Size of the held-out set used for the sparse family's test loss. */
export const TEST_EXAMPLES = 10_000;

/** Examples one gradient step sees: the whole training set, or one batch of a data stream. */
export function exampleCount(data: DataSpec): number {
  return data.family === 'identity' ? data.n : data.family === 'sparse' ? data.T : data.batch;
}

/** True for families with no fixed training set (a fresh batch every step). */
export function isStream(data: DataSpec): data is Extract<DataSpec, { family: 'sparse-stream' }> {
  return data.family === 'sparse-stream';
}

/** The n standard basis vectors. */
export function identityExamples(n: number): SparseExamples {
  const rowStart = new Int32Array(n + 1);
  const index = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    rowStart[t + 1] = t + 1;
    index[t] = t;
  }
  return { n, T: n, rowStart, index, value: new Float32Array(n).fill(1) };
}

/**
 * T unit-norm examples: each entry is non-zero with probability 1 − S, uniform on (0, 1].
 * Gaps between non-zeros are drawn from a geometric distribution, which gives the same
 * distribution as n independent coin flips at a cost proportional to the non-zeros.
 */
export function sparseExamples(n: number, S: number, T: number, rng: RandomStream): SparseExamples {
  const p = 1 - S;
  const rowStart = new Int32Array(T + 1);
  let index: number[] = [];
  let value: number[] = [];
  const rowIndex: number[] = [];
  const rowValue: number[] = [];
  for (let t = 0; t < T; t++) {
    // Redraw an all-zero example: it cannot be normalised and carries no signal.
    do {
      rowIndex.length = 0;
      rowValue.length = 0;
      for (let j = rng.geometric(p); j < n; j += 1 + rng.geometric(p)) {
        rowIndex.push(j);
        rowValue.push(1 - rng.uniform());
      }
    } while (rowIndex.length === 0);
    let sumSquares = 0;
    for (const v of rowValue) sumSquares += v * v;
    const norm = Math.sqrt(sumSquares);
    for (let k = 0; k < rowIndex.length; k++) {
      index.push(rowIndex[k]);
      value.push(rowValue[k] / norm);
    }
    rowStart[t + 1] = index.length;
  }
  return { n, T, rowStart, index: Int32Array.from(index), value: Float32Array.from(value) };
}

function dataSeed(config: RunConfig): number {
  return config.dataSeed ?? config.seed;
}

/** The training examples of a run (regenerated on demand; never stored). */
export function trainingExamples(config: RunConfig): SparseExamples {
  const data = config.data;
  if (data.family === 'identity') return identityExamples(data.n);
  if (data.family === 'sparse-stream') {
    throw new Error('trainingExamples: a sparse-stream run has no fixed training set; step s trains on trainingBatch(config, s)');
  }
  return sparseExamples(data.n, data.S, data.T, randomStream(dataSeed(config), 'data'));
}

/**
 * The batch a data-stream run trains on at optimizer step `step` (0-based). Each step has
 * its own stream, so any batch is generated without drawing the ones before it.
 */
export function trainingBatch(config: RunConfig, step: number): SparseExamples {
  const data = config.data;
  if (data.family !== 'sparse-stream') throw new Error(`trainingBatch: only the sparse-stream family has batches, not "${data.family}"`);
  if (!Number.isInteger(step) || step < 0) throw new Error(`trainingBatch: step must be an integer ≥ 0, got ${step}`);
  return sparseExamples(data.n, data.S, data.batch, randomStream(dataSeed(config), `batch-${step}`));
}

/**
 * Held-out examples for the test loss; null for the identity family, which has no
 * distribution to sample. The stream family draws them like the sparse one, from the
 * "test" stream, which no training batch uses.
 */
export function testExamples(config: RunConfig): SparseExamples | null {
  const data = config.data;
  if (data.family === 'identity') return null;
  return sparseExamples(data.n, data.S, TEST_EXAMPLES, randomStream(dataSeed(config), 'test'));
}

/** Hidden vectors h_t = W x_t, as a T × m row-major array. W is m × n row-major. */
export function hiddenVectors(W: ArrayLike<number>, m: number, examples: SparseExamples): Float64Array {
  const { n, T, rowStart, index, value } = examples;
  const h = new Float64Array(T * m);
  for (let t = 0; t < T; t++) {
    for (let k = rowStart[t]; k < rowStart[t + 1]; k++) {
      const j = index[k];
      const x = value[k];
      for (let r = 0; r < m; r++) h[t * m + r] += W[r * n + j] * x;
    }
  }
  return h;
}
