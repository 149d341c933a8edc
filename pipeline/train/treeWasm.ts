/**
 * The tree engine in WebAssembly (wasm/tree.as.ts), over worker threads.
 *
 * Everything lives in one shared WebAssembly memory: the examples (rows and columns), the
 * parameters, the four trees. Each step the main thread builds the three feature trees (the
 * kernel's buildTree: halfplane.ts's median splits and moments, bitwise), then every thread
 * runs its share of the example side (per example: h = W x, then the queries over the three
 * feature trees); the main thread builds the example tree; then every thread runs its share
 * of the feature side (per feature: the query over the example tree, then the encoder terms).
 * Each query is computed whole by one thread, with the same operations in the same order as
 * halfplane.ts's reference, and written to its own slot; tree.ts then reduces the slots in a
 * fixed order. So the results are bitwise equal to the JavaScript reference for any thread
 * count, and the split of queries among threads (contiguous ranges, a fixed rule) only
 * changes the speed. Building the trees stays on one thread (≈ 6 % of a step at
 * n = T = 10,000, ≈ 20 % at n = 100,000).
 */
import { Worker } from 'node:worker_threads';
import type { SparseExamples } from '../data/datasets.ts';
import { LEAF_SIZE } from './halfplane.ts';
import { TREE_KERNEL_WASM_BASE64 } from './wasm/tree.wasm.ts';

let compiled: WebAssembly.Module | null = null;
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(TREE_KERNEL_WASM_BASE64, 'base64'));
  return compiled;
}

interface KernelExports {
  exampleQueries(...args: number[]): void;
  featureQueries(...args: number[]): void;
  buildTree(...args: number[]): void;
}

/** Where one tree's arrays live in the memory (byte offsets), sized for `points` points. */
interface TreeSlot {
  desc: number;
  item: number; records: number; moments: number; positionOf: number; idCount: number; v0: number; v1: number; v2: number;
}

const DESCRIPTOR_BYTES = 64;
/** A node's record in the kernel: its box (4 f64), then lo, hi and its second child (i32; −1 at leaves). */
const NODE_BYTES = 48;
/** Scratch per thread: target positions and values (most targets one query has), a 64-entry stack. */
const STACK_BYTES = 256;

function nodeCapacity(points: number): number {
  return Math.max(1, 4 * Math.ceil(points / LEAF_SIZE) + 4);
}

export interface TreeKernel {
  readonly threads: number;
  /** Replaces the examples (same n and T): false when they do not fit, and a new kernel is needed. */
  load(examples: SparseExamples, cols: { colStart: Int32Array; colRow: Int32Array; colValue: Float64Array }, mostTargets: number): boolean;
  /**
   * Example side: builds the three feature trees (features `groups[g]`, keyed by (U0, U1),
   * constants 1, −1, 0) and gives, for each example t, the squared error (SE); h = W x and
   * dL/dh stay in the kernel for featureQueries.
   */
  exampleQueries(
    groups: Int32Array[], U0: Float64Array, U1: Float64Array, W0: Float64Array, W1: Float64Array, B: Float64Array,
    SE: Float64Array,
  ): void;
  /**
   * Feature side, after exampleQueries with the same parameters: builds the example tree and
   * gives dL/db_j and dL/dw_j (decoder and encoder parts).
   */
  featureQueries(gb: Float64Array, gW0: Float64Array, gW1: Float64Array): void;
  dispose(): void;
}

/**
 * The kernel for these examples (n features, T examples; the targets of every query are the
 * non-zeros of a row or a column, `colStart`/`colRow`/`colValue` the column form).
 */
export function createTreeKernel(
  examples: SparseExamples, cols: { colStart: Int32Array; colRow: Int32Array; colValue: Float64Array },
  mostTargets: number, threads: number,
): TreeKernel {
  const { n, T } = examples;
  // Room for a little more data than these examples hold, so a data stream's next batch of
  // the same size usually fits (setExamples) without a new memory and new workers.
  const nonZeroCapacity = Math.ceil(1.25 * examples.rowStart[T]) + 64;
  const targetCapacity = 2 * mostTargets + 16;
  let at = 64;
  const take = (bytes: number) => {
    const offset = at;
    at += Math.ceil(bytes / 16) * 16;
    return offset;
  };
  const L = {
    rowStart: take(4 * (T + 1)), index: take(4 * nonZeroCapacity), value: take(8 * nonZeroCapacity),
    colStart: take(4 * (n + 1)), colRow: take(4 * nonZeroCapacity), colValue: take(8 * nonZeroCapacity),
    H0: take(8 * T), H1: take(8 * T), SE: take(8 * T), G0: take(8 * T), G1: take(8 * T),
    W0: take(8 * n), W1: take(8 * n), B: take(8 * n), U0: take(8 * n), U1: take(8 * n), gb: take(8 * n), gW0: take(8 * n), gW1: take(8 * n),
    scratch: take(threads * (12 * targetCapacity + STACK_BYTES + 64)),
  };
  const slotOf = (desc: number, points: number, idCount: number, dims: number): TreeSlot => {
    const nodes = nodeCapacity(points);
    return {
      desc, item: take(4 * points), records: take(NODE_BYTES * nodes), moments: take(8 * (dims === 3 ? 10 : 6) * nodes),
      positionOf: take(4 * idCount), idCount,
      v0: take(8 * points), v1: take(8 * points), v2: dims === 3 ? take(8 * points) : 0,
    };
  };
  // Three feature trees, each sized for every feature (how they split by sign changes each
  // step), their descriptors 64 bytes apart (the kernel finds them so), and the example tree.
  const trees = take(3 * DESCRIPTOR_BYTES);
  const featureSlots = [0, 1, 2].map((g) => slotOf(trees + DESCRIPTOR_BYTES * g, n, n, 3));
  const exampleSlot = slotOf(take(DESCRIPTOR_BYTES), T, T, 2);
  const pages = Math.ceil(at / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  const kernel = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as KernelExports;
  const i32 = (offset: number, length: number) => new Int32Array(buffer, offset, length);
  const f64 = (offset: number, length: number) => new Float64Array(buffer, offset, length);

  /** Copies examples in (rows and columns); false when they do not fit this kernel. */
  function load(next: SparseExamples, nextCols: typeof cols, nextMostTargets: number): boolean {
    const { rowStart, index, value } = next;
    const nonZeros = rowStart[T];
    if (next.n !== n || next.T !== T || nonZeros > nonZeroCapacity || nextMostTargets > targetCapacity) return false;
    i32(L.rowStart, T + 1).set(rowStart.subarray(0, T + 1));
    i32(L.index, nonZeros).set(index.subarray(0, nonZeros));
    f64(L.value, nonZeros).set(value.subarray(0, nonZeros));
    i32(L.colStart, n + 1).set(nextCols.colStart);
    i32(L.colRow, nonZeros).set(nextCols.colRow);
    f64(L.colValue, nonZeros).set(nextCols.colValue);
    return true;
  }
  load(examples, cols, mostTargets);

  // Each descriptor: node count (written by buildTree), then where the arrays are.
  for (const slot of [...featureSlots, exampleSlot]) {
    i32(slot.desc, 8).set([0, slot.records, slot.moments, slot.positionOf, slot.idCount, slot.v0, slot.v1, slot.v2]);
  }
  const exampleIds = Int32Array.from({ length: T }, (_, t) => t);

  const scratchOf = (part: number) => {
    const base = L.scratch + part * (12 * targetCapacity + STACK_BYTES + 64);
    const tVal = base; // 8-byte aligned
    const tPos = tVal + 8 * targetCapacity;
    const stack = Math.ceil((tPos + 4 * targetCapacity) / 16) * 16;
    return [tPos, tVal, stack];
  };
  /** Contiguous share `part` of `count` queries split into `parts`. */
  const shareOf = (count: number, part: number, parts: number) => [Math.floor((part * count) / parts), Math.floor(((part + 1) * count) / parts)];
  const calls = (part: number): [keyof KernelExports, number[]][] => {
    const [t0, t1] = shareOf(T, part, threads);
    const [j0, j1] = shareOf(n, part, threads);
    const [tPos, tVal, stack] = scratchOf(part);
    return [
      ['exampleQueries', [t0, t1, trees, L.rowStart, L.index, L.value, L.W0, L.W1, L.H0, L.H1, L.SE, L.G0, L.G1, tPos, tVal, stack]],
      ['featureQueries', [j0, j1, exampleSlot.desc, 2 / T, L.colStart, L.colRow, L.colValue, L.W0, L.W1, L.B, L.G0, L.G1, L.gb, L.gW0, L.gW1, tPos, tVal, stack]],
    ];
  };
  const pool = createPool(memory, threads, calls);
  const own = calls(0);

  return {
    threads,
    load,
    exampleQueries(groups, U0, U1, W0, W1, B, SE) {
      f64(L.U0, n).set(U0);
      f64(L.U1, n).set(U1);
      f64(L.W0, n).set(W0);
      f64(L.W1, n).set(W1);
      f64(L.B, n).set(B);
      groups.forEach((ids, g) => {
        const slot = featureSlots[g];
        i32(slot.item, ids.length).set(ids);
        kernel.buildTree(slot.desc, slot.item, ids.length, LEAF_SIZE, L.U0, L.U1, L.W0, L.W1, L.B, 3);
      });
      pool.run(0, () => kernel.exampleQueries(...own[0][1]));
      SE.set(f64(L.SE, T));
    },
    featureQueries(gb, gW0, gW1) {
      // The example tree's item array is rearranged by each build: start from 0..T−1 again.
      i32(exampleSlot.item, T).set(exampleIds);
      kernel.buildTree(exampleSlot.desc, exampleSlot.item, T, LEAF_SIZE, L.H0, L.H1, L.H0, L.H1, 0, 2);
      pool.run(1, () => kernel.featureQueries(...own[1][1]));
      gb.set(f64(L.gb, n));
      gW0.set(f64(L.gW0, n));
      gW1.set(f64(L.gW1, n));
    },
    dispose() {
      pool.dispose();
    },
  };
}

// The worker pool. Workers are plain JavaScript (evaluated from this string), so they run
// under any TypeScript loader or test runner. The protocol is the fused engine's
// (fusedWasm.ts), which explains why no wake-up can be lost or taken twice: the main thread
// publishes a phase (0, 1; -1 = exit) and then advances the generation; each worker waits for
// the generation to move past the last one it finished (a wake without a new generation just
// waits again), makes its call and stores that generation in its own slot; a call that throws,
// or a worker that cannot start or exits, is recorded in its slot's status and acknowledged,
// so the main thread learns of it from shared memory alone, and every wait is bounded.
const GENERATION = 0;
const PHASE = 1;
const slotOf = (part: number) => 2 + 2 * (part - 1);
const STARTING = 0, READY = 1, FAILED = 2, EXITED = 3;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, calls, slot } = workerData;
const ctl = new Int32Array(control);
const STATUS = slot + 1;
function record(status) {
  Atomics.store(ctl, STATUS, status);
  Atomics.notify(ctl, slot);
}
process.on('exit', () => Atomics.load(ctl, STATUS) !== ${FAILED} && record(${EXITED}));
let kernel = null;
try {
  kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
  Atomics.store(ctl, STATUS, ${READY});
} catch {
  record(${FAILED});
}
let finished = 0;
for (;;) {
  Atomics.wait(ctl, ${GENERATION}, finished);
  const generation = Atomics.load(ctl, ${GENERATION});
  if (generation === finished) continue;
  const phase = Atomics.load(ctl, ${PHASE});
  if (phase < 0) break;
  if (kernel !== null && Atomics.load(ctl, STATUS) !== ${FAILED}) {
    try {
      kernel[calls[phase][0]](...calls[phase][1]);
    } catch {
      record(${FAILED});
    }
  }
  finished = generation;
  Atomics.store(ctl, slot, generation);
  Atomics.notify(ctl, slot);
}
`;

/** A worker thread of the tree engine failed or stopped answering; the model cannot go on. */
export class TreeEngineFailureError extends Error {}

/** A worker that has not answered a phase after this long (or started after START_MS) is stuck. */
const STALL_MS = 120_000;
const START_MS = 120_000;
const WAIT_SLICE_MS = 100;

function createPool(memory: WebAssembly.Memory, threads: number, calls: (part: number) => [string, number[]][]) {
  const control = new Int32Array(new SharedArrayBuffer(4 * slotOf(threads)));
  const workers: Worker[] = [];
  for (let part = 1; part < threads; part++) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { module: kernelModule(), memory, control: control.buffer, calls: calls(part), slot: slotOf(part) },
    });
    // Failures are read from the shared memory; the event is only kept from being fatal.
    worker.on('error', () => {});
    worker.unref();
    workers.push(worker);
  }
  let generation = 0;
  let broken: TreeEngineFailureError | null = null;
  const fail = (message: string): never => {
    broken = new TreeEngineFailureError(`tree engine: ${message}`);
    throw broken;
  };
  return {
    /** Runs `phase` on every worker and `own` (this thread's share) here; returns when all are done. */
    run(phase: number, own: () => void): void {
      if (broken) throw broken;
      if (workers.length > 0) {
        generation++;
        Atomics.store(control, PHASE, phase);
        Atomics.store(control, GENERATION, generation);
        Atomics.notify(control, GENERATION);
      }
      own();
      const from = performance.now();
      for (let part = 1; part < threads; part++) {
        const slot = slotOf(part);
        for (;;) {
          const done = Atomics.load(control, slot);
          const status = Atomics.load(control, slot + 1);
          if (status === FAILED) fail(`worker thread ${part + 1} of ${threads} failed`);
          if (status === EXITED) fail(`worker thread ${part + 1} of ${threads} exited in the middle of training`);
          if (done === generation) break;
          if (performance.now() - from > (status === STARTING ? START_MS : STALL_MS)) fail(`worker thread ${part + 1} of ${threads} is stuck`);
          Atomics.wait(control, slot, done, WAIT_SLICE_MS);
        }
      }
    },
    dispose(): void {
      if (workers.length > 0) {
        Atomics.store(control, PHASE, -1);
        Atomics.store(control, GENERATION, ++generation);
        Atomics.notify(control, GENERATION);
      }
      for (const worker of workers) void worker.terminate();
      workers.length = 0;
    },
  };
}
