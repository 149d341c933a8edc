/**
 * What a run will cost before it starts: memory, and the work of drawing its data.
 * Validation uses these to refuse, with the field to change, an experiment that would
 * otherwise allocate until the machine runs out of memory, hit a hard limit of the
 * runtime after the data were generated (V8's array size, WebAssembly's 4 GiB), or spin
 * for hours redrawing all-zero examples. The estimates are deliberately rough (within a
 * small factor); they only have to separate "fits" from "cannot possibly fit".
 */
import os from 'node:os';
import type { RunConfig } from './types.ts';

/** Held-out examples the sparse family draws for its test loss (TEST_EXAMPLES in pipeline/data/datasets.ts). */
const HELD_OUT_EXAMPLES = 10_000;
/** Examples per gradient block of the generic fused kernel (BLOCK_EXAMPLES in pipeline/train/fused.ts). */
const BLOCK_EXAMPLES = 1024;
const DEFAULT_LOSS_POINTS = 1000;

/**
 * The sparse generator collects an example set's non-zeros in plain JavaScript arrays
 * before packing them, and V8 aborts the process (not an exception) past about 1.1e8
 * elements in one array.
 */
export const MAX_NON_ZEROS = 100_000_000;
/** The fused m = 2 kernel keeps its data in one WebAssembly memory: 32-bit addresses. */
export const WASM_MEMORY_BYTES = 2 ** 32 - 2 ** 16;
/** The largest typed array Node allocates (the tfjs engine's dense example matrix is one). */
export const MAX_ARRAY_BYTES = 2 ** 32;
/** Feature indices are stored as 32-bit integers. */
export const MAX_FEATURES = 2 ** 31 - 1;
/**
 * Expected draws of an example before it has a non-zero entry, at most: beyond this,
 * generating data costs more than a thousand times what the same number of ordinary
 * examples would, for data that are nearly all one-hot anyway.
 */
export const MAX_REDRAWS = 1000;

/**
 * Random draws the data generator may make for one run (training and held-out sets), in
 * expectation: at a few hundred nanoseconds each, 10⁹ is minutes of drawing, in one
 * synchronous loop, before the first step.
 */
export const MAX_DRAWS = 1e9;

/** Expected random draws to generate a sparse run's examples: per attempt a geometric gap and a value per non-zero, plus the last gap. */
export function expectedDraws(n: number, S: number, T: number): number {
  return (T + HELD_OUT_EXAMPLES) * expectedRedraws(n, S) * (1 + 2 * n * (1 - S));
}

/** Expected attempts per example: an all-zero draw (probability S^n) is redrawn. */
export function expectedRedraws(n: number, S: number): number {
  // 1 − S^n without cancellation when S is close to 1.
  return 1 / -Math.expm1(n * Math.log(S));
}

/** Expected non-zeros of one (kept) example. */
export function expectedNonZerosPerExample(n: number, S: number): number {
  return n * (1 - S) * expectedRedraws(n, S);
}

/** Memory a run needs, by the field that drives each part (bytes). */
export interface MemoryEstimate {
  total: number;
  parts: { field: string; bytes: number; fix: string }[];
}

export function estimateMemory(config: RunConfig): MemoryEstimate {
  const { m, data } = config;
  const n = data.n;
  const P = (m + 1) * n; // W and b
  const T = data.family === 'identity' ? n : data.T;
  // Float32 parameters and both AdamW moments, float64 gradients, and the copies a
  // checkpoint encodes; the generic kernel adds a float64 gradient buffer per block.
  const blocks = config.engine === 'fused' && m !== 2 ? Math.ceil(T / BLOCK_EXAMPLES) : 0;
  const parameters = 48 * P + 8 * P * blocks;
  let examples: number;
  if (data.family === 'identity') {
    examples = 12 * n + 124 * n; // the basis vectors (typed arrays), then the kernel's copy
  } else {
    const perExample = expectedNonZerosPerExample(n, data.S);
    // Generation holds each non-zero in two JS arrays (with growth slack) and then in
    // typed arrays; the kernel keeps it twice more (by example and by feature).
    const nonZeros = (T + HELD_OUT_EXAMPLES) * perExample;
    examples = 48 * nonZeros + 48 * (T + HELD_OUT_EXAMPLES);
  }
  if (config.engine === 'tfjs') examples += 6 * 4 * T * n; // dense examples, outputs and their gradients
  const snapshots = 12 * config.snapshots * P;
  const lossPoints = config.lossPoints ?? DEFAULT_LOSS_POINTS;
  const lossHistory = 32 * (Math.min(config.steps, 100) + (lossPoints === 0 ? 1 : Math.min(config.steps, lossPoints) + 1));
  const dataField = data.family === 'sparse' ? 'data.T' : 'data.n';
  const parts = [
    { field: 'data.n', bytes: parameters, fix: 'lower data.n (or m)' },
    { field: dataField, bytes: examples, fix: data.family === 'sparse' ? 'lower data.T (or data.n, or raise data.S)' : 'lower data.n' },
    { field: 'snapshots', bytes: snapshots, fix: 'keep fewer snapshots' },
    { field: 'lossPoints', bytes: lossHistory, fix: 'keep fewer loss points' },
  ];
  return { total: parts.reduce((sum, part) => sum + part.bytes, 0), parts };
}

/** Memory this process may use: the machine's, or the container's limit when lower. */
export function availableMemory(): number {
  const total = os.totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
