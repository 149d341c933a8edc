/**
 * Validation of experiments, before anything trains. Every message names the
 * experiment, the field, the bad value and what is allowed, so a user editing the
 * experiment files can fix it without reading this code.
 */
import { ENGINE_IDS, type Experiment } from './types.ts';
import {
  availableMemory,
  estimateMemory,
  expectedDraws,
  expectedNonZerosPerExample,
  expectedRedraws,
  formatBytes,
  MAX_ARRAY_BYTES,
  MAX_DRAWS,
  MAX_FEATURES,
  MAX_NON_ZEROS,
  MAX_REDRAWS,
  WASM_MEMORY_BYTES,
} from './resources.ts';

export class ExperimentError extends Error {
  constructor(readonly experimentId: string, readonly field: string, readonly value: unknown, allowed: string, where = 'pipeline/experiments/') {
    super(`experiment "${experimentId}" (${where}): field "${field}" is ${describeValue(value)}; ${allowed}.`);
  }
}

/**
 * A value as the user would write it in the experiment file. Unlike JSON.stringify it
 * keeps NaN and ±Infinity (JSON turns them into null, which would hide the mistake) and
 * says "missing" for an absent field.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function' || typeof value === 'symbol') return String(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, v]) => `${JSON.stringify(key)}:${describeValue(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  experiment: ['id', 'data', 'm', 'bias', 'steps', 'schedule', 'weightDecay', 'seed', 'dataSeed', 'initSeed', 'engine', 'snapshots', 'lossPoints', 'initBias'],
  identity: ['family', 'n'],
  sparse: ['family', 'n', 'S', 'T'],
  'sparse-stream': ['family', 'n', 'S', 'batch'],
  constant: ['kind', 'lr'],
  'warmup-cosine': ['kind', 'peakLr', 'warmupSteps'],
};

// Safe integers only: beyond 2^53 neighbouring integers are the same double, so two
// experiments that differ there (e.g. in the seed) would silently be one run.
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
/** Every integer field, checked first for integers too large to be exact. */
const INTEGER_FIELDS = ['data.n', 'data.T', 'm', 'steps', 'schedule.warmupSteps', 'seed', 'dataSeed', 'initSeed', 'snapshots', 'lossPoints'];
const fieldValue = (object: unknown, field: string): unknown =>
  field.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkKeys(id: string, object: object, kind: string, prefix: string): void {
  const allowed = ALLOWED_KEYS[kind];
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw new ExperimentError(id, `${prefix}${key}`, (object as Record<string, unknown>)[key], `unknown key; allowed keys here are ${allowed.join(', ')}`);
  }
}

/**
 * Throws ExperimentError on the first problem found in one experiment, including a run
 * too big for `memoryBytes` (default: this machine's memory) or for the runtime's limits.
 */
export function validateExperiment(e: Experiment, where?: string, memoryBytes = availableMemory()): void {
  const raw = e as unknown as Record<string, unknown>;
  const id = typeof raw.id === 'string' && raw.id.length > 0 ? raw.id : '(no id)';
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new ExperimentError(id, field, value, allowed, where);
  };
  if (typeof raw.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(raw.id)) fail('id', raw.id, 'must be a non-empty string of letters, digits and dashes');
  checkKeys(id, e, 'experiment', '');
  for (const field of INTEGER_FIELDS) {
    const value = fieldValue(e, field);
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      fail(field, value, 'is beyond 2^53 − 1 (Number.MAX_SAFE_INTEGER), where JavaScript cannot tell neighbouring integers apart, so different values would collapse onto one run; use a smaller integer');
    }
  }

  const data = e.data as unknown as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object') fail('data', data, 'must be { family: "identity", n }, { family: "sparse", n, S, T } or { family: "sparse-stream", n, S, batch }');
  const family = data!.family;
  if (family !== 'identity' && family !== 'sparse' && family !== 'sparse-stream') fail('data.family', family, 'must be "identity", "sparse" or "sparse-stream"');
  checkKeys(id, data!, family as string, 'data.');
  const n = data!.n;
  if (!isInteger(n) || n < 1) fail('data.n', n, 'must be an integer ≥ 1');
  if (family === 'sparse' || family === 'sparse-stream') {
    if (!isFiniteNumber(data!.S) || (data!.S as number) < 0 || (data!.S as number) >= 1) fail('data.S', data!.S, 'must be a number in [0, 1) (the probability that an entry is zero)');
  }
  if (family === 'sparse') {
    if (!isInteger(data!.T) || (data!.T as number) < 1) fail('data.T', data!.T, 'must be an integer ≥ 1 (the number of training examples)');
  }
  if (family === 'sparse-stream') {
    if (!isInteger(data!.batch) || (data!.batch as number) < 1) fail('data.batch', data!.batch, 'must be an integer ≥ 1 (the fresh examples drawn for each step)');
  }

  if (!isInteger(e.m) || e.m < 1 || e.m > (n as number)) fail('m', e.m, `must be an integer with 1 ≤ m ≤ n (n = ${n})`);
  if (typeof e.bias !== 'boolean') fail('bias', e.bias, 'must be true or false');
  if (!isInteger(e.steps) || e.steps < 1) fail('steps', e.steps, 'must be an integer ≥ 1');

  const schedule = e.schedule as unknown as Record<string, unknown> | undefined;
  if (!schedule || typeof schedule !== 'object') fail('schedule', schedule, 'must be { kind: "constant", lr } or { kind: "warmup-cosine", peakLr, warmupSteps }');
  if (schedule!.kind === 'constant') {
    checkKeys(id, schedule!, 'constant', 'schedule.');
    if (!isFiniteNumber(schedule!.lr) || (schedule!.lr as number) <= 0) fail('schedule.lr', schedule!.lr, 'must be a finite number > 0');
  } else if (schedule!.kind === 'warmup-cosine') {
    checkKeys(id, schedule!, 'warmup-cosine', 'schedule.');
    if (!isFiniteNumber(schedule!.peakLr) || (schedule!.peakLr as number) <= 0) fail('schedule.peakLr', schedule!.peakLr, 'must be a finite number > 0');
    if (!isInteger(schedule!.warmupSteps) || (schedule!.warmupSteps as number) < 0 || (schedule!.warmupSteps as number) > e.steps) fail('schedule.warmupSteps', schedule!.warmupSteps, `must be an integer in [0, steps] (steps = ${e.steps})`);
  } else {
    fail('schedule.kind', schedule!.kind, 'must be "constant" or "warmup-cosine"');
  }

  if (!isFiniteNumber(e.weightDecay) || e.weightDecay < 0) fail('weightDecay', e.weightDecay, 'must be a finite number ≥ 0');
  for (const field of ['seed', 'dataSeed', 'initSeed'] as const) {
    const value = raw[field];
    if (field !== 'seed' && value === undefined) continue;
    if (!isInteger(value) || (value as number) < 0) fail(field, value, 'must be an integer ≥ 0');
  }
  if (!(ENGINE_IDS as readonly unknown[]).includes(e.engine)) fail('engine', e.engine, `must be one of ${ENGINE_IDS.map((id) => `"${id}"`).join(', ')}`);
  if (!isInteger(e.snapshots) || e.snapshots < 0 || e.snapshots > 1000) fail('snapshots', e.snapshots, 'must be an integer in [0, 1000]');
  if (raw.lossPoints !== undefined && (!isInteger(raw.lossPoints) || (raw.lossPoints as number) < 0)) fail('lossPoints', raw.lossPoints, 'must be an integer ≥ 0 (0 keeps only the final loss)');
  const initBias = raw.initBias;
  if (initBias !== undefined) {
    const values = Array.isArray(initBias) ? initBias : [initBias];
    if (Array.isArray(initBias) && initBias.length !== n) fail('initBias', initBias, `must be one number, or an array of n = ${n} numbers`);
    if (!values.every(isFiniteNumber)) fail('initBias', initBias, 'must hold finite numbers only');
    // The bias is float32: a larger value would start training at Infinity.
    if (!values.every((v) => Number.isFinite(Math.fround(v as number)))) fail('initBias', initBias, 'must hold numbers that fit in float32 (magnitude at most 3.4e38), the precision of the parameters');
    if (!e.bias) fail('initBias', initBias, 'is only meaningful with bias: true');
  }
  checkSize(e, fail, memoryBytes);
}

/**
 * Sizes, checked last (the fields are known to be well-formed here): nothing is allocated
 * or generated for a run that cannot fit, and no data draw spins for hours.
 */
function checkSize(e: Experiment, fail: (field: string, value: unknown, allowed: string) => never, memoryBytes: number): void {
  const { data } = e;
  const n = data.n;
  if (n > MAX_FEATURES) fail('data.n', n, `must be at most 2^31 − 1 = ${MAX_FEATURES} (feature indices are 32-bit integers)`);
  // A stream draws one batch per step: per-step sizes are the batch's.
  const T = data.family === 'identity' ? n : data.family === 'sparse' ? data.T : data.batch;
  let nonZeros = n;
  if (data.family !== 'identity') {
    const redraws = expectedRedraws(n, data.S);
    if (redraws > MAX_REDRAWS) {
      fail(
        'data.S',
        data.S,
        `with n = ${n} an example is all zeros with probability S^n = ${(1 - 1 / redraws).toPrecision(6)} and is redrawn, about ${redraws.toPrecision(2)} times per example (at most ${MAX_REDRAWS}); lower S or raise n so that n·(1 − S) is at least 0.001`,
      );
    }
    const perExample = expectedNonZerosPerExample(n, data.S);
    nonZeros = T * perExample;
    const largest = Math.max(T, 10_000) * perExample; // the training set or the 10,000 held-out examples
    if (largest > MAX_NON_ZEROS) {
      const field = T >= 10_000 ? 'data.T' : 'data.n';
      fail(field, fieldValue(e, field), `gives an example set of about ${largest.toPrecision(2)} non-zeros (${Math.max(T, 10_000)} examples × about ${perExample.toPrecision(3)} each), more than the ${MAX_NON_ZEROS.toExponential(0)} the data generator can hold; lower data.T or data.n, or raise data.S`);
    }
    const draws = expectedDraws(n, data.S, T);
    if (draws > MAX_DRAWS) {
      fail('data.T', T, `makes generating the data take about ${draws.toPrecision(2)} random draws (${redraws < 10 ? redraws.toPrecision(2) : Math.round(redraws)} attempts per example), more than the ${MAX_DRAWS.toExponential(0)} allowed (minutes of drawing before the first step); lower data.T, or lower S so that fewer examples are redrawn`);
    }
  }
  const memory = estimateMemory(e);
  if (memory.total > memoryBytes) {
    const largest = memory.parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    fail(largest.field, fieldValue(e, largest.field), `this run needs about ${formatBytes(memory.total)} of memory, more than this machine's ${formatBytes(memoryBytes)}; ${largest.fix}`);
  }
  const sizeField = data.family === 'sparse' ? 'data.T' : data.family === 'sparse-stream' ? 'data.batch' : 'data.n';
  if (e.engine === 'fused' && e.m === 2) {
    const wasmBytes = 64 * n + 44 * T + 16 * nonZeros; // the kernel's layout (planLayout in pipeline/train/fusedWasm.ts)
    if (wasmBytes > WASM_MEMORY_BYTES) {
      fail(sizeField, fieldValue(e, sizeField), `makes the fused engine's m = 2 kernel need about ${formatBytes(wasmBytes)} of WebAssembly memory, which holds at most 4.3 GB; lower ${sizeField}`);
    }
  }
  if (e.engine === 'tfjs' && 4 * T * n > MAX_ARRAY_BYTES) {
    fail(sizeField, fieldValue(e, sizeField), `makes the tfjs engine's dense T × n example matrix ${formatBytes(4 * T * n)}, more than the 4.3 GB one array can hold; lower ${sizeField} or use engine: "fused"`);
  }
}

/** Validates every experiment and that ids are unique. */
export function validateExperiments(experiments: readonly Experiment[], where?: (e: Experiment) => string, memoryBytes = availableMemory()): void {
  const seen = new Set<string>();
  for (const e of experiments) {
    validateExperiment(e, where?.(e), memoryBytes);
    if (seen.has(e.id)) throw new ExperimentError(e.id, 'id', e.id, 'is used by another experiment; ids must be unique', where?.(e));
    seen.add(e.id);
  }
}

/** The training settings of an experiment (everything but its label). */
export function runConfigOf(e: Experiment): Omit<Experiment, 'id'> {
  const { id: _id, ...config } = e;
  return config;
}
