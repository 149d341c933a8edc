import { describe, expect, it } from 'vitest';
import { ExperimentError, validateExperiment, validateExperiments } from '../../pipeline/experiments/validate.ts';
import { loadPosts } from '../../pipeline/post/post.ts';
import type { Experiment } from '../../pipeline/experiments/types.ts';

const good: Experiment = {
  id: 'ok-run',
  data: { family: 'sparse', n: 10, S: 0.9, T: 5 },
  m: 2,
  bias: true,
  steps: 100,
  schedule: { kind: 'warmup-cosine', peakLr: 1e-3, warmupSteps: 10 },
  weightDecay: 0,
  seed: 0,
  engine: 'fused',
  snapshots: 0,
};

/** Builds an experiment with one field replaced by an arbitrary (possibly ill-typed) value. */
const bad = (patch: Record<string, unknown>): Experiment => ({ ...good, ...patch }) as unknown as Experiment;

describe('experiment validation', () => {
  it('accepts a well-formed experiment and every post\'s experiments', async () => {
    expect(() => validateExperiment(good)).not.toThrow();
    expect(() => validateExperiment({ ...good, data: { family: 'sparse-stream', n: 10, S: 0.9, batch: 4 } })).not.toThrow();
    for (const post of await loadPosts()) expect(() => validateExperiments(post.experiments)).not.toThrow();
  });

  const rejected: [string, Record<string, unknown>, RegExp][] = [
    ['m > n', { m: 11 }, /field "m" is 11; must be an integer with 1 ≤ m ≤ n \(n = 10\)/],
    ['m < 1', { m: 0 }, /field "m" is 0/],
    ['S = 1', { data: { family: 'sparse', n: 10, S: 1, T: 5 } }, /field "data\.S" is 1; must be a number in \[0, 1\)/],
    ['S < 0', { data: { family: 'sparse', n: 10, S: -0.1, T: 5 } }, /field "data\.S" is -0\.1/],
    ['T = 0', { data: { family: 'sparse', n: 10, S: 0.5, T: 0 } }, /field "data\.T" is 0; must be an integer ≥ 1/],
    ['T non-integer', { data: { family: 'sparse', n: 10, S: 0.5, T: 2.5 } }, /field "data\.T" is 2\.5/],
    ['negative lr', { schedule: { kind: 'constant', lr: -1 } }, /field "schedule\.lr" is -1; must be a finite number > 0/],
    // NaN and Infinity are shown as written (JSON.stringify would print null).
    ['NaN lr', { schedule: { kind: 'constant', lr: NaN } }, /field "schedule\.lr" is NaN; must be a finite number > 0/],
    ['infinite peak lr', { schedule: { kind: 'warmup-cosine', peakLr: Infinity, warmupSteps: 10 } }, /field "schedule\.peakLr" is Infinity; must be a finite number > 0/],
    ['NaN S', { data: { family: 'sparse', n: 10, S: NaN, T: 5 } }, /field "data\.S" is NaN; must be a number in \[0, 1\)/],
    ['missing m', { m: undefined }, /field "m" is missing; must be an integer with 1 ≤ m ≤ n/],
    ['NaN inside initBias', { initBias: [0, 0, 0, 0, 0, 0, 0, 0, 0, NaN] }, /field "initBias" is \[0,0,0,0,0,0,0,0,0,NaN\]; must hold finite numbers only/],
    ['non-integer steps', { steps: 10.5 }, /field "steps" is 10\.5; must be an integer ≥ 1/],
    ['m not an integer', { m: 1.5 }, /field "m" is 1\.5/],
    ['unknown family', { data: { family: 'gaussian', n: 10 } }, /field "data\.family" is "gaussian"; must be "identity", "sparse" or "sparse-stream"/],
    ['stream batch = 0', { data: { family: 'sparse-stream', n: 10, S: 0.5, batch: 0 } }, /field "data\.batch" is 0; must be an integer ≥ 1 \(the fresh examples drawn for each step\)/],
    ['stream without a batch', { data: { family: 'sparse-stream', n: 10, S: 0.5 } }, /field "data\.batch" is missing/],
    ['stream with a T', { data: { family: 'sparse-stream', n: 10, S: 0.5, batch: 4, T: 5 } }, /field "data\.T" is 5; unknown key; allowed keys here are family, n, S, batch/],
    ['stream S = 1', { data: { family: 'sparse-stream', n: 10, S: 1, batch: 4 } }, /field "data\.S" is 1; must be a number in \[0, 1\)/],
    ['unknown engine', { engine: 'torch' }, /field "engine" is "torch"; must be one of "fused", "tfjs", "webgpu", "tree"/],
    ['unknown loss reduction', { lossReduction: 'average' }, /field "lossReduction" is "average"; must be "sum" .* or "mean" \(divided by n/],
    ['zero Adam ε', { adamEps: 0 }, /field "adamEps" is 0; must be a number in \(0, 1\]/],
    ['Adam ε as text', { adamEps: '1e-8' }, /field "adamEps" is "1e-8"; must be a number in \(0, 1\]/],
    ['unknown key', { lerning_rate: 0.1 }, /field "lerning_rate" is 0\.1; unknown key; allowed keys here are id, data, m/],
    ['unknown key inside data', { data: { family: 'identity', n: 4, T: 4 } }, /field "data\.T" is 4; unknown key/],
    ['unknown schedule', { schedule: { kind: 'step', lr: 1 } }, /field "schedule\.kind" is "step"/],
    ['warmup longer than the run', { schedule: { kind: 'warmup-cosine', peakLr: 1e-3, warmupSteps: 101 } }, /warmupSteps" is 101; must be an integer in \[0, steps\] \(steps = 100\)/],
    ['negative weight decay', { weightDecay: -1 }, /field "weightDecay" is -1/],
    ['negative seed', { seed: -2 }, /field "seed" is -2; must be an integer ≥ 0/],
    ['bias not boolean', { bias: 'yes' }, /field "bias" is "yes"; must be true or false/],
    ['negative lossPoints', { lossPoints: -1 }, /field "lossPoints" is -1; must be an integer ≥ 0/],
    ['initBias of the wrong length', { initBias: [0, 1] }, /field "initBias" is \[0,1\]; must be one number, or an array of n = 10 numbers/],
    ['initBias without a bias', { bias: false, initBias: 0.1 }, /field "initBias" is 0\.1; is only meaningful with bias: true/],
    // Float32 parameters: 1e39 would start training at Infinity (and be blamed on the learning rate).
    ['initBias beyond float32', { initBias: 1e39 }, /field "initBias" is 1e\+39; must hold numbers that fit in float32 \(magnitude at most 3\.4e38\)/],
    // Beyond 2^53 neighbouring integers are one double: 2^53 + 1 and 2^53 would be one run.
    ['a seed beyond 2^53', { seed: 2 ** 53 + 2 }, /field "seed" is 9007199254740994; is beyond 2\^53 − 1 \(Number\.MAX_SAFE_INTEGER\).*collapse onto one run; use a smaller integer/],
    ['a data seed beyond 2^53', { dataSeed: 2 ** 60 }, /field "dataSeed" is 1152921504606847000; is beyond 2\^53 − 1/],
    ['an init seed beyond 2^53', { initSeed: 1e300 }, /field "initSeed" is 1e\+300; is beyond 2\^53 − 1/],
    ['steps beyond 2^53', { steps: 2 ** 54 }, /field "steps" is 18014398509481984; is beyond 2\^53 − 1/],
    ['T beyond 2^53', { data: { family: 'sparse', n: 10, S: 0.5, T: 2 ** 53 } }, /field "data\.T" is 9007199254740992; is beyond 2\^53 − 1/],
    ['snapshots beyond 2^53', { snapshots: 2 ** 53 }, /field "snapshots" is 9007199254740992; is beyond/],
    ['lossPoints beyond 2^53', { lossPoints: 2 ** 53 }, /field "lossPoints" is 9007199254740992; is beyond/],
    ['warmupSteps beyond 2^53', { schedule: { kind: 'warmup-cosine', peakLr: 1e-3, warmupSteps: 2 ** 53 } }, /field "schedule\.warmupSteps" is 9007199254740992; is beyond/],
    // About a million redraws per example (S^n = 1 − 1e-6): hours of drawing before a step.
    [
      'S so close to 1 that examples are redrawn ~10⁶ times',
      { data: { family: 'sparse', n: 10, S: 1 - 1e-7, T: 5 } },
      /field "data\.S" is 0\.9999999; with n = 10 an example is all zeros with probability S\^n = 0\.999999\d* and is redrawn, about 1\.0e\+6 times per example \(at most 1000\); lower S or raise n so that n·\(1 − S\) is at least 0\.001/,
    ],
    ['identity(10⁹): more memory than any test machine', { data: { family: 'identity', n: 1e9 }, bias: true, m: 2 }, /field "data\.n" is 1000000000; this run needs about \d+ GB of memory, more than this machine's [\d.]+ GB; lower data\.n/],
    ['n beyond 32-bit feature indices', { data: { family: 'identity', n: 2 ** 31 }, m: 2 }, /field "data\.n" is 2147483648; must be at most 2\^31 − 1/],
  ];

  it.each(rejected)('rejects %s, naming the experiment, field, value and what is allowed', (_name, patch, message) => {
    let error: unknown;
    try {
      validateExperiment(bad(patch));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExperimentError);
    expect((error as Error).message).toMatch(/^experiment "ok-run"/);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects duplicate ids, naming the id', () => {
    expect(() => validateExperiments([good, { ...good }])).toThrow(/experiment "ok-run".*field "id".*used by another experiment/);
  });

  it('refuses a run too big for the memory it is given, naming the field that drives it', () => {
    const sparse = bad({ data: { family: 'sparse', n: 1000, S: 0.95, T: 1_000_000 } });
    expect(() => validateExperiment(sparse, 'x.ts', 1e12)).not.toThrow();
    expect(() => validateExperiment(sparse, 'x.ts', 1e9)).toThrow(/experiment "ok-run" \(x\.ts\): field "data\.T" is 1000000; this run needs about [\d.]+ GB of memory, more than this machine's 1\.0 GB; lower data\.T \(or data\.n, or raise data\.S\)\./);
    const snapshots = bad({ data: { family: 'identity', n: 100_000 }, m: 2, snapshots: 1000 });
    expect(() => validateExperiment(snapshots, 'x.ts', 1e9)).toThrow(/field "snapshots" is 1000; this run needs about [\d.]+ GB of memory, .*; keep fewer snapshots/);
  });

  it("refuses runs past the runtime's hard limits whatever the memory", () => {
    const wasm = bad({ data: { family: 'identity', n: 50_000_000 }, m: 2, engine: 'fused' });
    expect(() => validateExperiment(wasm, 'x.ts', Infinity)).toThrow(/field "data\.n" is 50000000; makes the fused engine's m = 2 kernel need about [\d.]+ GB of WebAssembly memory, which holds at most 4\.3 GB; lower data\.n/);
    const dense = bad({ data: { family: 'sparse', n: 100_000, S: 0.999, T: 20_000 }, engine: 'tfjs' });
    expect(() => validateExperiment(dense, 'x.ts', Infinity)).toThrow(/field "data\.T" is 20000; makes the tfjs engine's dense T × n example matrix 8\.0 GB, .*use engine: "fused"/);
    const draws = bad({ data: { family: 'sparse', n: 10, S: 0.999, T: 10_000_000 } });
    expect(() => validateExperiment(draws, 'x.ts', Infinity)).toThrow(/field "data\.T" is 10000000; makes generating the data take about 1\.0e\+9 random draws \(100 attempts per example\), more than the 1e\+9 allowed/);
    const nonZeros = bad({ data: { family: 'sparse', n: 1_000_000, S: 0, T: 100 } });
    expect(() => validateExperiment(nonZeros, 'x.ts', Infinity)).toThrow(/field "data\.n" is 1000000; gives an example set of about 1\.0e\+10 non-zeros/);
  });

  it('names the file the experiment lives in when told', () => {
    expect(() => validateExperiment(bad({ m: 0 }), 'content/a-post/experiments/spine.ts')).toThrow(/\(content\/a-post\/experiments\/spine\.ts\)/);
  });
});
