/**
 * The tree engine's kernel (wasm/tree.as.ts: dualtree.ts's sums in WebAssembly) over worker
 * threads.
 *
 * Everything lives in one shared WebAssembly memory: the examples (rows and columns), the
 * parameters, the four trees, and per thread a scratch area. Each step: every thread computes
 * h = W x for its share of the examples; the threads build the examples' tree and the three
 * feature trees, a whole tree each (the kernel's buildTree: kdtree.ts's median splits and
 * moments, bitwise); the main thread lists their leaves; every thread runs the example side for its share of the
 * examples' leaves; then (for a gradient) every thread runs the feature side for its share of
 * the feature leaves, which writes dL/db and dL/dW whole (encoder terms included). A leaf's
 * examples (features) are written by the one thread that owns the leaf, with the same
 * operations in the same order as dualtree.ts, so the results are bitwise equal to that
 * reference for any thread count; the split of leaves among threads (contiguous shares, a
 * fixed rule) only changes the speed.
 */
import { Worker } from 'node:worker_threads';
import type { SparseExamples } from '../data/datasets.ts';
import { DUAL_EXAMPLE_LEAF, DUAL_FEATURE_LEAF } from './dualtree.ts';
import { TREE_KERNEL_WASM_BASE64 } from './wasm/tree.wasm.ts';

let compiled: WebAssembly.Module | null = null;
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(TREE_KERNEL_WASM_BASE64, 'base64'));
  return compiled;
}

interface KernelExports {
  buildTrees(...args: number[]): void;
  computeH(...args: number[]): void;
  dualIndex(...args: number[]): void;
  dualExamples(...args: number[]): void;
  dualFeatures(...args: number[]): void;
}

/** Where one tree's arrays live in the memory (byte offsets), sized for `points` points. */
interface TreeSlot {
  desc: number;
  item: number; records: number; moments: number; positionOf: number; idCount: number; v0: number; v1: number; v2: number;
}

const DESCRIPTOR_BYTES = 64;
/** A node's record in the kernel: its box (4 f64), then lo, hi and its second child (i32; −1 at leaves). */
const NODE_BYTES = 48;

/** Hands out 16-byte-aligned byte ranges from `start` on; end() is where the next would start. */
function layout(start: number): ((bytes: number) => number) & { end(): number } {
  let at = start;
  const take = (bytes: number) => {
    const offset = at;
    at += Math.ceil(bytes / 16) * 16;
    return offset;
  };
  return Object.assign(take, { end: () => at });
}

function nodeCapacity(points: number, leafSize: number): number {
  return Math.max(1, 4 * Math.ceil(points / leafSize) + 4);
}

type Columns = { colStart: Int32Array; colRow: Int32Array; colValue: Float64Array; colEntry: Int32Array };

export interface TreeKernel {
  readonly threads: number;
  /** Replaces the examples (same n and T): false when they do not fit, and a new kernel is needed. */
  load(examples: SparseExamples, cols: Columns): boolean;
  /**
   * Example side: h = W x, the examples' tree and the three feature trees (features
   * `groups[g]`, keyed by (U0, U1), constants 1, −1, 0), then for each example t its squared
   * error into SE; h and dL/dh stay in the kernel for featureSide.
   */
  exampleSide(
    groups: Int32Array[], U0: Float64Array, U1: Float64Array, W0: Float64Array, W1: Float64Array, B: Float64Array,
    SE: Float64Array,
  ): void;
  /** Feature side, after exampleSide with the same parameters: dL/db_j and dL/dw_j (decoder and encoder parts). */
  featureSide(gb: Float64Array, gW0: Float64Array, gW1: Float64Array): void;
  dispose(): void;
}

/** The kernel for these examples (n features, T examples; `cols` their column form). */
export function createTreeKernel(examples: SparseExamples, cols: Columns, threads: number): TreeKernel {
  const { n, T } = examples;
  // Room for a little more data than these examples hold, so a data stream's next batch of
  // the same size usually fits (setExamples) without a new memory and new workers.
  const nonZeroCapacity = Math.ceil(1.25 * examples.rowStart[T]) + 64;
  const qCapacity = nodeCapacity(T, DUAL_EXAMPLE_LEAF), fCapacity = nodeCapacity(n, DUAL_FEATURE_LEAF);
  // Per thread (tree.as.ts: dualExamples, dualFeatures): the gathered features (w0, w1, b)
  // and one example's targets among them; per feature tree, each leaf's column in that list
  // (−1: not gathered) and the list of gathered leaves; the gathered rows (h0, h1) and two
  // features' targets among them; per examples' node its row (−1), the gathered nodes; the
  // two accumulators; a stack.
  const columnStride = 4 * fCapacity;
  const scratch = layout(0);
  const S = {
    gw0: scratch(8 * (n + 2)), gw1: scratch(8 * (n + 2)), gb: scratch(8 * (n + 2)), xRow: scratch(8 * (n + 2)),
    columnOf: scratch(3 * columnStride), gatheredLeaves: scratch(4 * 6 * fCapacity), exampleAcc: scratch(80),
    gh0: scratch(8 * T), gh1: scratch(8 * T), xPair: scratch(16 * T), rowOf: scratch(4 * qCapacity), gatheredRows: scratch(4 * qCapacity),
    featureAcc: scratch(48), stack: scratch(1024),
  };
  const scratchBytes = scratch.end();
  const take = layout(64);
  const L = {
    rowStart: take(4 * (T + 1)), index: take(4 * nonZeroCapacity), value: take(8 * nonZeroCapacity),
    colStart: take(4 * (n + 1)), colRow: take(4 * nonZeroCapacity), colValue: take(8 * nonZeroCapacity), colEntry: take(4 * nonZeroCapacity),
    H0: take(8 * T), H1: take(8 * T), SE: take(8 * T), G0: take(8 * T), G1: take(8 * T),
    W0: take(8 * n), W1: take(8 * n), B: take(8 * n), U0: take(8 * n), U1: take(8 * n), gb: take(8 * n), gW0: take(8 * n), gW1: take(8 * n),
    handled: take(nonZeroCapacity), groupOf: take(n), leafOfQ: take(4 * T), leafOfF: take(4 * n),
    exampleUnits: take(4 * (1 + qCapacity)), featureUnits: take(4 * (1 + 6 * fCapacity)), buildJobs: take(4 * (1 + 4 * 10)),
    scratch: take(threads * scratchBytes),
  };
  const slotOf = (desc: number, points: number, idCount: number, dims: number, leafSize: number): TreeSlot => {
    const nodes = nodeCapacity(points, leafSize);
    return {
      desc, item: take(4 * points), records: take(NODE_BYTES * nodes), moments: take(8 * (dims === 3 ? 10 : 6) * nodes),
      positionOf: take(4 * idCount), idCount,
      v0: take(8 * points), v1: take(8 * points), v2: dims === 3 ? take(8 * points) : 0,
    };
  };
  // Three feature trees, each sized for every feature (how they split by sign changes each
  // step), their descriptors 64 bytes apart (the kernel finds them so), and the examples' tree.
  const trees = take(3 * DESCRIPTOR_BYTES);
  const featureSlots = [0, 1, 2].map((g) => slotOf(trees + DESCRIPTOR_BYTES * g, n, n, 3, DUAL_FEATURE_LEAF));
  const exampleSlot = slotOf(take(DESCRIPTOR_BYTES), T, T, 2, DUAL_EXAMPLE_LEAF);
  const pages = Math.ceil(take.end() / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  const kernel = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as KernelExports;
  const i32 = (offset: number, length: number) => new Int32Array(buffer, offset, length);
  const f64 = (offset: number, length: number) => new Float64Array(buffer, offset, length);

  let nonZeros = 0;
  /** Copies examples in (rows and columns); false when they do not fit this kernel. */
  function load(next: SparseExamples, nextCols: Columns): boolean {
    const { rowStart, index, value } = next;
    const count = rowStart[T];
    if (next.n !== n || next.T !== T || count > nonZeroCapacity) return false;
    i32(L.rowStart, T + 1).set(rowStart.subarray(0, T + 1));
    i32(L.index, count).set(index.subarray(0, count));
    f64(L.value, count).set(value.subarray(0, count));
    i32(L.colStart, n + 1).set(nextCols.colStart);
    i32(L.colRow, count).set(nextCols.colRow);
    f64(L.colValue, count).set(nextCols.colValue);
    i32(L.colEntry, count).set(nextCols.colEntry);
    nonZeros = count;
    return true;
  }
  load(examples, cols);

  // Each descriptor: node count (written by buildTree), then where the arrays are.
  for (const slot of [...featureSlots, exampleSlot]) {
    i32(slot.desc, 9).set([0, slot.records, slot.moments, slot.positionOf, slot.idCount, slot.v0, slot.v1, slot.v2, slot.item]);
  }
  const exampleIds = Int32Array.from({ length: T }, (_, t) => t);

  /** Contiguous share `part` of `count` examples split into `parts`. */
  const shareOf = (count: number, part: number, parts: number) => [Math.floor((part * count) / parts), Math.floor(((part + 1) * count) / parts)];
  const calls = (part: number): [keyof KernelExports, number[]][] => {
    const [t0, t1] = shareOf(T, part, threads);
    const d = L.scratch + part * scratchBytes;
    return [
      ['computeH', [t0, t1, L.rowStart, L.index, L.value, L.W0, L.W1, L.H0, L.H1]],
      ['dualExamples', [part, threads, L.exampleUnits, exampleSlot.desc, trees,
        L.rowStart, L.index, L.value, L.groupOf, L.leafOfF, L.handled, L.W0, L.W1, L.B, L.SE, L.G0, L.G1,
        d + S.gw0, d + S.gw1, d + S.gb, d + S.xRow, d + S.columnOf, columnStride, d + S.gatheredLeaves, d + S.exampleAcc, d + S.stack]],
      ['dualFeatures', [part, threads, L.featureUnits, exampleSlot.desc, trees, L.leafOfQ, L.handled,
        L.colStart, L.colRow, L.colEntry, L.colValue, L.W0, L.W1, L.B, L.H0, L.H1, L.G0, L.G1, 2 / T, L.gb, L.gW0, L.gW1,
        d + S.gh0, d + S.gh1, d + S.xPair, d + S.rowOf, d + S.gatheredRows, d + S.featureAcc, d + S.stack]],
      ['buildTrees', [part, threads, L.buildJobs]],
    ];
  };
  // The "not gathered" marks start at −1 (each leaf resets those it set).
  for (let part = 0; part < threads; part++) {
    const d = L.scratch + part * scratchBytes;
    new Uint8Array(buffer, d + S.columnOf, 3 * columnStride).fill(0xff);
    new Uint8Array(buffer, d + S.rowOf, 4 * qCapacity).fill(0xff);
  }
  const pool = createPool(memory, threads, calls);
  const own = calls(0);

  return {
    threads,
    load,
    exampleSide(groups, U0, U1, W0, W1, B, SE) {
      f64(L.U0, n).set(U0);
      f64(L.U1, n).set(U1);
      f64(L.W0, n).set(W0);
      f64(L.W1, n).set(W1);
      f64(L.B, n).set(B);
      pool.run(0, () => kernel.computeH(...own[0][1]));
      // The four trees, built in parallel, largest first (so round-robin shares them
      // evenly); the example tree's item array is rearranged by each build: 0..T−1 again.
      i32(exampleSlot.item, T).set(exampleIds);
      const jobs = [
        { points: T, args: [exampleSlot.desc, exampleSlot.item, T, DUAL_EXAMPLE_LEAF, L.H0, L.H1, L.H0, L.H1, 0, 2] },
        ...groups.map((ids, g) => {
          const slot = featureSlots[g];
          i32(slot.item, ids.length).set(ids);
          return { points: ids.length, args: [slot.desc, slot.item, ids.length, DUAL_FEATURE_LEAF, L.U0, L.U1, L.W0, L.W1, L.B, 3] };
        }),
      ].sort((a, b) => b.points - a.points);
      i32(L.buildJobs, 1 + 10 * jobs.length).set([jobs.length, ...jobs.flatMap((job) => job.args)]);
      pool.run(3, () => kernel.buildTrees(...own[3][1]));
      kernel.dualIndex(exampleSlot.desc, trees, L.leafOfQ, L.leafOfF, L.groupOf, L.exampleUnits, L.featureUnits);
      new Uint8Array(buffer, L.handled, nonZeros).fill(0);
      pool.run(1, () => kernel.dualExamples(...own[1][1]));
      SE.set(f64(L.SE, T));
    },
    featureSide(gb, gW0, gW1) {
      new Uint8Array(buffer, L.handled, nonZeros).fill(0);
      pool.run(2, () => kernel.dualFeatures(...own[2][1]));
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
// publishes a phase (0, 1, 2, 3; -1 = exit) and then advances the generation; each worker waits for
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
