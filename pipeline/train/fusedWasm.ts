/**
 * The fused engine's fast path for m = 2: a WebAssembly SIMD kernel (wasm/kernel.as.ts)
 * run by a pool of worker threads over one shared memory.
 *
 * One gradient evaluation is two passes, each split over threads by a FIXED rule
 * (contiguous ranges, whole groups of four):
 *  1. example pass (examples split among threads): per example, h = W x, dL/dh and the
 *     example's squared error, walking the n outputs in order;
 *  2. feature pass (features split among threads): per feature j, dL/db_j and dL/dW_·j,
 *     summing examples in order within blocks of BLOCK_EXAMPLES and the block sums in
 *     block order, with each encoder term entering right after its example's decoder term.
 * Every number is therefore computed by the same operations in the same order whatever
 * the thread count, and W/b gradients are bitwise equal to the example-major JS kernel
 * in fused.ts, loss included (tests hold them to it).
 *
 * The active-output passes (sparseExamplePass, sparseFeaturePass, after `prepare` sorts the
 * features) compute the same numbers in the same order but visit only the outputs that
 * fire (z > 0) and the non-zero targets; see kernel.as.ts for why that is exact and how the
 * firing outputs are found. They are phases 3 and 4; the dense ones, 1 and 2, still run
 * where they are faster (T < MIN_ACTIVE_EXAMPLES, or while most outputs fire).
 *
 * Memory: parameters, the data in CSR and CSC form, seven float64s per example and a
 * few dozen bytes per feature: O(n + T + non-zeros), never T × n.
 */
import { Worker } from 'node:worker_threads';
import type { SparseExamples } from '../data/datasets.ts';
import type { Gradients, Model } from './engine.ts';
import type { Parameters } from './init.ts';
import { KERNEL_WASM_BASE64 } from './wasm/kernel.wasm.ts';

let compiled: WebAssembly.Module | null = null;
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
  return compiled;
}

interface KernelExports {
  examplePass(...args: number[]): void;
  featurePass(...args: number[]): void;
  prepare(...args: number[]): number;
  sparseExamplePass(...args: number[]): void;
  sparseFeaturePass(...args: number[]): void;
  /** (src, dst, count): float32 → float64 copy. */
  widen(...args: number[]): void;
}

/** Threshold tiers between -|h| and |h| (see kernel.as.ts), angle bins per tier, acos table steps. */
const TIERS = 16;
const BINS = 256;
const ACOS_STEPS = 4096;
/**
 * Above this fraction of outputs visited, the dense kernel is faster (early training, when
 * b ≈ 0 and half the outputs fire): the model then runs densely and tries the active-output
 * kernel again every RETRY_EVERY evaluations. Speed only; both give the same bits.
 */
const DENSE_ABOVE = 0.3;
const RETRY_EVERY = 25;
/**
 * Fewer examples than this: the dense kernel throughout. Sorting the features costs about as
 * much as 50 examples' dense passes at n = 10000 (measured: T = 30 is faster dense, T = 100
 * active). Speed only.
 */
export const MIN_ACTIVE_EXAMPLES = 48;

/** Byte offsets of every array in the shared memory. */
interface Layout {
  n: number;
  T: number;
  nPad: number;
  TPad: number;
  W0: number; W1: number; b: number;
  W0f: number; W1f: number; bf: number;
  rowStart: number; index: number; value: number;
  colStart: number; colRow: number; colValue: number;
  H0: number; H1: number; G0: number; G1: number; SE: number;
  gW0: number; gW1: number; gb: number;
  // Active-output kernel: per example |h| and angle; the acos table; the per-step sort of
  // features (keys, bin table, tier minima, positions, sorted parameters, target mask);
  // per-part scratch (bit sets, windows, statistics); block and total accumulators by position.
  R: number; PHI: number; ACOS: number;
  KEY: number; BIN: number; SMIN: number; POS: number; IDX: number;
  SW0: number; SW1: number; SBB: number; KEEP: number;
  BITS: number; WIN: number; STATS: number; bitWords: number; ORDER: number; HIST: number; PJ: number;
  ACCB: number; ACC0: number; ACC1: number; TOTB: number; TOT0: number; TOT1: number;
  bytes: number;
}

function planLayout(n: number, T: number, nonZeros: number, parts: number): Layout {
  // The kernel works on four examples / four features at a time; padding entries are empty.
  const nPad = 4 * Math.ceil(n / 4);
  const TPad = 4 * Math.ceil(T / 4);
  let at = 64;
  const take = (bytes: number) => {
    const offset = at;
    at += Math.ceil(bytes / 16) * 16;
    return offset;
  };
  return {
    n, T, nPad, TPad,
    W0: take(4 * nPad), W1: take(4 * nPad), b: take(4 * nPad),
    W0f: take(8 * nPad), W1f: take(8 * nPad), bf: take(8 * nPad),
    rowStart: take(4 * (TPad + 1)), index: take(4 * nonZeros), value: take(4 * nonZeros),
    colStart: take(4 * (nPad + 1)), colRow: take(4 * nonZeros), colValue: take(4 * nonZeros),
    H0: take(8 * TPad), H1: take(8 * TPad), G0: take(8 * TPad), G1: take(8 * TPad), SE: take(8 * TPad),
    gW0: take(8 * nPad), gW1: take(8 * nPad), gb: take(8 * nPad),
    R: take(8 * TPad), PHI: take(8 * TPad), ACOS: take(8 * (ACOS_STEPS + 1)),
    KEY: take(4 * nPad), BIN: take(4 * (parts * (TIERS + 3) * BINS + 1)), SMIN: take(8 * (TIERS + 3)),
    POS: take(4 * nPad), IDX: take(4 * nPad),
    SW0: take(8 * nPad), SW1: take(8 * nPad), SBB: take(8 * nPad), KEEP: take(8 * nPad),
    BITS: take(parts * 8 * Math.ceil(nPad / 64)), WIN: take(parts * 16), STATS: take(parts * 32), bitWords: Math.ceil(nPad / 64),
    ORDER: take(4 * TPad), HIST: take(parts * 4 * (BINS + 1)), PJ: take(32 * nPad),
    ACCB: take(8 * nPad), ACC0: take(8 * nPad), ACC1: take(8 * nPad),
    TOTB: take(8 * nPad), TOT0: take(8 * nPad), TOT1: take(8 * nPad),
    bytes: at, // evaluated last: the total
  };
}

/** Contiguous share `part` of `count` items (a multiple of four) split into `parts`, in whole groups of four. */
export function shareOf(count: number, part: number, parts: number): [number, number] {
  const groups = count / 4;
  return [4 * Math.floor((part * groups) / parts), 4 * Math.floor(((part + 1) * groups) / parts)];
}

/** A kernel call: export name and arguments. */
type Call = [keyof KernelExports, number[]];

/**
 * The calls thread `part` of `parts` makes in each phase: 1 and 2 are the dense example and
 * feature passes, 3 and 4 the active-output ones; null when its share is empty.
 */
function callsOf(L: Layout, blockExamples: number, part: number, parts: number): (Call | null)[] {
  const gradScale = 2 / L.T;
  const [t0, t1] = shareOf(L.TPad, part, parts);
  const [j0, j1] = shareOf(L.nPad, part, parts);
  const tEnd = Math.min(t1, L.T);
  const BITS = L.BITS + part * 8 * L.bitWords;
  const WIN = L.WIN + part * 16;
  const STATS = L.STATS + part * 32;
  return [
    t1 > t0 ? ['examplePass', [L.n, t0, t1, gradScale, L.W0, L.W1, L.b, L.W0f, L.W1f, L.bf, L.rowStart, L.index, L.value, L.H0, L.H1, L.G0, L.G1, L.SE]] : null,
    j1 > j0 ? ['featurePass', [L.T, blockExamples, j0, j1, gradScale, L.W0, L.W1, L.b, L.colStart, L.colRow, L.colValue, L.H0, L.H1, L.G0, L.G1, L.gW0, L.gW1, L.gb]] : null,
    tEnd > t0
      ? ['sparseExamplePass', [L.n, t0, tEnd, gradScale, parts, TIERS, BINS, L.W0f, L.W1f, L.bf, L.rowStart, L.index, L.value, L.H0, L.H1, L.G0, L.G1, L.SE, L.R, L.PHI, L.ACOS, ACOS_STEPS, L.BIN, L.SMIN, L.IDX, L.SW0, L.SW1, L.SBB, BITS, WIN, STATS, L.ORDER, L.HIST + part * 4 * (BINS + 1), L.PJ]]
      : null,
    j1 > j0
      ? ['sparseFeaturePass', [L.n, L.T, blockExamples, gradScale, part, parts, TIERS, BINS, L.rowStart, L.index, L.value, L.H0, L.H1, L.G0, L.G1, L.R, L.PHI, L.ACOS, ACOS_STEPS, L.BIN, L.SMIN, L.POS, L.IDX, L.SW0, L.SW1, L.SBB, L.KEEP, L.ACCB, L.ACC0, L.ACC1, L.TOTB, L.TOT0, L.TOT1, L.gW0, L.gW1, L.gb, WIN]]
      : null,
  ];
}

// The worker is plain JavaScript (evaluated from this string), so it runs under any
// TypeScript loader or test runner. The protocol is built so that no wake-up can be lost
// and no wake-up can be taken twice:
//  - the main thread publishes a phase (1 to 4; 0 = exit) by storing it and then
//    advancing the generation counter, control[GENERATION];
//  - each worker waits for the generation to move past the last one it finished, makes
//    its call, and stores that generation in its own slot, control[slotOf(part) + DONE].
//    Atomics.wait may return without the generation having moved (observed in a plain
//    training run, about once in 30,000 phases): the worker then simply waits again. The
//    former countdown shared by all workers ran the phase a second time on such a wake,
//    counted it twice and left the main thread waiting forever for a count below zero;
//  - a call that throws (or a worker that cannot start) is recorded in the worker's slot
//    (STATUS = FAILED, the message in the shared text buffer) and still acknowledged;
//    a worker that exits records EXITED. The main thread never needs its event loop,
//    which it does not run while it waits, to learn that a worker failed;
//  - every wait of the main thread is bounded, and a worker that answers no phase within
//    the stall limit is reported as stuck.
const GENERATION = 0;
const PHASE = 1;
const SLOTS = 4;
const SLOT_WORDS = 4;
const DONE = 0;
const STATUS = 1;
/** Worker status: starting, ready, failed (message in the text buffer), exited. */
const STARTING = 0;
const READY = 1;
const FAILED = 2;
const EXITED = 3;
const MESSAGE_BYTES = 512;
const slotOf = (part: number) => SLOTS + SLOT_WORDS * (part - 1);

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, messages, calls, part, slot, fault } = workerData;
const ctl = new Int32Array(control);
const DONE = slot + ${DONE};
const STATUS = slot + ${STATUS};
function record(status, error) {
  if (error !== undefined && Atomics.load(ctl, STATUS) !== ${FAILED}) {
    const text = new Uint8Array(messages, (part - 1) * ${MESSAGE_BYTES}, ${MESSAGE_BYTES});
    const message = String(error).split('\\n')[0];
    const { written } = new TextEncoder().encodeInto(message.slice(0, ${MESSAGE_BYTES} / 4), text.subarray(0, ${MESSAGE_BYTES} - 1));
    text[written] = 0;
  }
  Atomics.store(ctl, STATUS, status);
  Atomics.notify(ctl, DONE);
}
process.on('exit', () => Atomics.load(ctl, STATUS) !== ${FAILED} && record(${EXITED}));
let kernel = null;
try {
  kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
  Atomics.store(ctl, STATUS, ${READY});
} catch (error) {
  record(${FAILED}, error);
}
let finished = 0;
let callsMade = 0;
for (;;) {
  Atomics.wait(ctl, ${GENERATION}, finished);
  const generation = Atomics.load(ctl, ${GENERATION});
  if (generation === finished) continue; // woken without a new phase: wait again
  const phase = Atomics.load(ctl, ${PHASE});
  if (phase === 0) break;
  const call = calls[phase - 1];
  if (kernel !== null && call !== null && Atomics.load(ctl, STATUS) !== ${FAILED}) {
    try {
      callsMade++;
      if (fault && callsMade === fault.atCall) {
        if (fault.kind === 'throw') throw new Error('injected fault');
        if (fault.kind === 'exit') process.exit(3);
        if (fault.kind === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      }
      kernel[call[0]](...call[1]);
    } catch (error) {
      record(${FAILED}, error);
    }
  }
  finished = generation;
  Atomics.store(ctl, DONE, generation);
  Atomics.notify(ctl, DONE);
}
`;

/** A worker thread of the fused engine failed or stopped answering; the model cannot go on. */
export class EngineFailureError extends Error {}

/** Main-thread waits for workers last at most this long at a time, so every wait is bounded. */
const WAIT_SLICE_MS = 100;
/** A worker that answers no phase within this long (and this many times the main thread's own share) is stuck. */
const STALL_MS = 60_000;
const STALL_FACTOR = 1000;
/** A worker's first answer also waits for it to start (a loaded machine can take a while). */
const START_MS = 120_000;

/** Faults injected into worker part 1 (tests only): at its `atCall`-th kernel call it throws, exits or never answers. */
export interface InjectedFault {
  kind: 'throw' | 'exit' | 'hang';
  atCall: number;
}

export interface WasmModelOptions {
  threads: number;
  blockExamples: number;
  /** Visit only active outputs and non-zero targets (default), or every output (the reference). */
  activeOnly?: boolean;
  /** Visited fraction above which evaluations run densely for a while (default DENSE_ABOVE; Infinity: never). */
  denseAbove?: number;
  /** Milliseconds without an answer after which a worker counts as stuck (default STALL_MS; tests pass less). */
  stallMs?: number;
  /** Tests only: a fault for worker part 1, and spurious wake-ups sent to every worker every `spuriousWakeEvery` phases. */
  inject?: { fault?: InjectedFault; spuriousWakeEvery?: number };
}

/** What the last gradient evaluation visited (active-output kernel only). */
export interface ActivityStats {
  /** Outputs with a zero target and z > 0, over n·T. */
  activeFraction: number;
  /** Outputs whose z was computed to find them (candidates in the tier windows), over n·T. */
  candidateFraction: number;
  /** Outputs pass 1 computed (per example: the union over its group of four), over n·T. */
  visitedFraction: number;
}

export interface WasmModel extends Model {
  /** Statistics of the last evaluation; null for the dense kernel or a step it ran densely. */
  activity(): ActivityStats | null;
  /** Each example's squared error, summed over the outputs, at the last evaluation (a copy; measurements read it). */
  exampleErrors(): Float64Array;
}

/**
 * Tests of whole trainings (a CLI in a child process) inject a worker fault through the
 * environment: FUSED_ENGINE_FAULT='{"kind":"hang","atCall":300,"stallMs":1000}', or
 * '{"spuriousWakeEvery":1}' (npm run stress: wake-ups without a phase, which must change nothing).
 */
export const FAULT_VARIABLE = 'FUSED_ENGINE_FAULT';

function faultFromEnvironment(): { inject: WasmModelOptions['inject']; stallMs?: number } | null {
  const text = process.env[FAULT_VARIABLE];
  if (!text) return null;
  const { kind, atCall, stallMs, spuriousWakeEvery } = JSON.parse(text) as Partial<InjectedFault> & { stallMs?: number; spuriousWakeEvery?: number };
  return { inject: { fault: kind && atCall ? { kind, atCall } : undefined, spuriousWakeEvery }, stallMs };
}

export function createWasmModel(examples: SparseExamples, options: WasmModelOptions): WasmModel {
  const injected = faultFromEnvironment();
  const { threads, blockExamples, activeOnly: wanted = true, denseAbove = DENSE_ABOVE } = options;
  const stallMs = options.stallMs ?? injected?.stallMs ?? STALL_MS;
  const inject = options.inject ?? injected?.inject ?? {};
  const { n, T, rowStart, index, value } = examples;
  // A forced active path (denseAbove = Infinity, the tests) runs at any size.
  const activeOnly = wanted && (T >= MIN_ACTIVE_EXAMPLES || denseAbove === Infinity);
  const nonZeros = rowStart[T];
  const L = planLayout(n, T, nonZeros, threads);
  const pages = Math.ceil(L.bytes / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  const kernel = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as KernelExports;

  // Data in both orientations; the padding examples and features are empty.
  const rows = new Int32Array(buffer, L.rowStart, L.TPad + 1);
  rows.set(rowStart.subarray(0, T + 1));
  rows.fill(nonZeros, T + 1);
  new Int32Array(buffer, L.index, nonZeros).set(index.subarray(0, nonZeros));
  new Float32Array(buffer, L.value, nonZeros).set(value.subarray(0, nonZeros));
  const colStart = new Int32Array(buffer, L.colStart, L.nPad + 1);
  for (let k = 0; k < nonZeros; k++) colStart[index[k] + 1]++;
  for (let j = 0; j < L.nPad; j++) colStart[j + 1] += colStart[j];
  const colRow = new Int32Array(buffer, L.colRow, nonZeros);
  const colValue = new Float32Array(buffer, L.colValue, nonZeros);
  const fill = colStart.slice(0, L.nPad);
  for (let t = 0; t < T; t++) {
    for (let k = rowStart[t]; k < rowStart[t + 1]; k++) {
      const slot = fill[index[k]]++;
      colRow[slot] = t;
      colValue[slot] = value[k];
    }
  }
  const W0 = new Float32Array(buffer, L.W0, n);
  const W1 = new Float32Array(buffer, L.W1, n);
  const b = new Float32Array(buffer, L.b, n);
  const SE = new Float64Array(buffer, L.SE, T);
  const gW0 = new Float64Array(buffer, L.gW0, n);
  const gW1 = new Float64Array(buffer, L.gW1, n);
  const gb = new Float64Array(buffer, L.gb, n);
  const acos = new Float64Array(buffer, L.ACOS, ACOS_STEPS + 1);
  for (let i = 0; i <= ACOS_STEPS; i++) acos[i] = Math.acos(Math.max(-1, Math.min(1, -1 + (2 * i) / ACOS_STEPS)));
  const stats = new Float64Array(buffer, L.STATS, threads * 4);

  const ownCalls = callsOf(L, blockExamples, 0, threads);
  const control = new Int32Array(new SharedArrayBuffer(4 * slotOf(threads)));
  const messages = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES * Math.max(1, threads - 1)));
  const workers: Worker[] = [];
  for (let part = 1; part < threads; part++) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // The kernel worker is plain JavaScript: it needs neither the TypeScript loader nor the
      // CLI's preloads that the main thread was started with (the default inherits them).
      execArgv: [],
      workerData: {
        module: kernelModule(),
        memory,
        control: control.buffer,
        messages: messages.buffer,
        calls: callsOf(L, blockExamples, part, threads),
        part,
        slot: slotOf(part),
        fault: part === 1 ? (inject.fault ?? null) : null,
      },
    });
    // Failures are read from the shared memory; the event is only kept from being fatal.
    worker.on('error', () => {});
    worker.unref();
    workers.push(worker);
  }
  let generation = 0;
  let broken: EngineFailureError | null = null;
  const PHASE_NAMES = ['', 'example pass', 'feature pass', 'active-output example pass', 'active-output feature pass'];

  function messageOf(part: number): string {
    const text = messages.subarray((part - 1) * MESSAGE_BYTES, part * MESSAGE_BYTES);
    const end = text.indexOf(0);
    return new TextDecoder().decode(text.slice(0, end < 0 ? MESSAGE_BYTES : end)) || 'no message';
  }

  function fail(message: string): never {
    broken = new EngineFailureError(`fused engine: ${message}`);
    throw broken;
  }

  /** Waits, in bounded slices, until every worker has finished `generation` (or fails the model). */
  function awaitWorkers(which: number, ownMs: number): void {
    const waitedFrom = performance.now();
    for (let part = 1; part < threads; part++) {
      const slot = slotOf(part);
      for (;;) {
        const done = Atomics.load(control, slot + DONE);
        const status = Atomics.load(control, slot + STATUS);
        const where = `worker thread ${part + 1} of ${threads}`;
        if (status === FAILED) fail(`${where} failed in the ${PHASE_NAMES[which]}: ${messageOf(part)}`);
        if (status === EXITED) fail(`${where} exited in the middle of training`);
        if (done === generation) break;
        const waited = performance.now() - waitedFrom;
        const limit = status === STARTING ? Math.max(stallMs, START_MS) : Math.max(stallMs, STALL_FACTOR * ownMs);
        if (waited > limit) {
          fail(`${where} has not finished the ${PHASE_NAMES[which]} after ${Math.round(waited / 1000)} s (this thread's share took ${ownMs < 1 ? '< 1' : Math.round(ownMs)} ms); it is stuck`);
        }
        Atomics.wait(control, slot + DONE, done, WAIT_SLICE_MS);
      }
    }
  }

  function phase(which: number): void {
    if (broken) throw broken;
    if (workers.length > 0) {
      generation++;
      Atomics.store(control, PHASE, which);
      Atomics.store(control, GENERATION, generation);
      Atomics.notify(control, GENERATION);
    }
    const started = performance.now();
    const call = ownCalls[which - 1];
    if (call !== null) kernel[call[0]](...call[1]);
    if (workers.length === 0) return;
    if (inject.spuriousWakeEvery && generation % inject.spuriousWakeEvery === 0) Atomics.notify(control, GENERATION);
    awaitWorkers(which, performance.now() - started);
  }

  function setParameters(params: Parameters): void {
    W0.set(params.W.subarray(0, n));
    W1.set(params.W.subarray(n, 2 * n));
    b.set(params.b);
    kernel.widen(L.W0, L.W0f, L.nPad);
    kernel.widen(L.W1, L.W1f, L.nPad);
    kernel.widen(L.b, L.bf, L.nPad);
  }

  // Typical |h| (the largest of the last step), which places the threshold tiers; speed only.
  let radius = 0;
  let lastActivity: ActivityStats | null = null;
  let denseUntil = 0;
  let evaluations = 0;

  /** Pass 1 (h, dL/dh, squared errors); returns the pass-2 phase to run after it. */
  function examplePhase(): number {
    lastActivity = null;
    evaluations++;
    if (activeOnly && evaluations >= denseUntil) {
      // Returns 0 when some parameter is not finite: that step runs densely (same result).
      const ok = kernel.prepare(n, L.nPad, threads, TIERS, BINS, radius > 0 ? radius : 1, L.W0f, L.W1f, L.bf, L.ACOS, ACOS_STEPS, L.KEY, L.BIN, L.SMIN, L.POS, L.IDX, L.SW0, L.SW1, L.SBB, L.KEEP, L.PJ);
      if (ok) {
        phase(3);
        let active = 0;
        let candidates = 0;
        let visited = 0;
        radius = 0;
        // Parts without examples never write their slots, which stay zero.
        for (let part = 0; part < threads; part++) {
          radius = Math.max(radius, stats[4 * part]);
          active += stats[4 * part + 1];
          candidates += stats[4 * part + 2];
          visited += stats[4 * part + 3];
        }
        lastActivity = { activeFraction: active / (n * T), candidateFraction: candidates / (n * T), visitedFraction: visited / (n * T) };
        if (lastActivity.visitedFraction > denseAbove) denseUntil = evaluations + RETRY_EVERY;
        return 4;
      }
    }
    phase(1);
    return 2;
  }

  /** Per-example squared errors summed in example order within each block, block sums in block order. */
  function lossOf(): number {
    let total = 0;
    for (let start = 0; start < T; start += blockExamples) {
      let block = 0;
      for (let t = start; t < Math.min(T, start + blockExamples); t++) block += SE[t];
      total += block;
    }
    return total / T;
  }

  return {
    backend: activeOnly ? 'wasm-simd-float64' : 'wasm-simd-float64-dense',
    threads,
    lossAndGradient(params: Parameters, grads: Gradients): number {
      setParameters(params);
      phase(examplePhase());
      grads.W.set(gW0, 0);
      grads.W.set(gW1, n);
      grads.b.set(gb);
      return lossOf();
    },
    loss(params: Parameters): number {
      setParameters(params);
      examplePhase();
      return lossOf();
    },
    activity: () => lastActivity,
    exampleErrors: () => SE.slice(),
    dispose(): void {
      if (workers.length > 0) {
        Atomics.store(control, PHASE, 0);
        Atomics.store(control, GENERATION, ++generation);
        Atomics.notify(control, GENERATION);
      }
      for (const worker of workers) void worker.terminate();
      workers.length = 0;
    },
  };
}
