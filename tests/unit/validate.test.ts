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
    ['unknown family', { data: { family: 'gaussian', n: 10 } }, /field "data\.family" is "gaussian"; must be "identity" or "sparse"/],
    ['unknown engine', { engine: 'torch' }, /field "engine" is "torch"; must be "fused", "tfjs" or "webgpu"/],
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

  it('names the file the experiment lives in when told', () => {
    expect(() => validateExperiment(bad({ m: 0 }), 'content/a-post/experiments/spine.ts')).toThrow(/\(content\/a-post\/experiments\/spine\.ts\)/);
  });
});
