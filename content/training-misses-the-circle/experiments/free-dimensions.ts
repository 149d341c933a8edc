/**
 * Experiments behind sections 5–8 (ReLU's free dimensions and the 2m bound): one-hot
 * data, no bias, the same optimizer settings as the n = 4 and n = 5 runs in spine.ts.
 */
import type { Experiment } from '../../../pipeline/experiments/types.ts';
import { identityNoBias } from './spine.ts';

const SEEDS = [0, 1, 2, 3, 4];


/** identity(3), m = 2, no bias: section 5's triangle (trained-n3, relu-regions-3d). */
export const n3Experiments: Experiment[] = SEEDS.map((seed) => identityNoBias(`n3-seed${seed}`, 3, 2, seed, 10_000));

/**
 * The contrast to n3 (section 5): the same three features and two latent dimensions, but
 * with a bias and trained on sparse(3, 0.9) data, T = 1,000 examples. Most examples are
 * then one-hot (exactly e_i after normalisation), but about one in ten has two or three
 * active features, and those break the ties that leave the no-bias triangle free to wiggle.
 * Same optimizer settings as n3; five seeds, all reported.
 */
export const SPARSE_TRIANGLE = { S: 0.9, T: 1_000 } as const;
export const n3SparseBiasExperiments: Experiment[] = SEEDS.map((seed) => ({
  id: `n3-sparse-bias-seed${seed}`,
  data: { family: 'sparse', n: 3, S: SPARSE_TRIANGLE.S, T: SPARSE_TRIANGLE.T },
  m: 2,
  bias: true,
  steps: 10_000,
  schedule: { kind: 'constant', lr: 1e-2 },
  weightDecay: 0,
  seed,
  engine: 'fused',
  snapshots: 0,
}));

/** The 2m bound (section 7): m = 1, 2, 3 and n = 1 … 2m + 3, five seeds each. */
export const TWO_M_BOUND_M = [1, 2, 3];
export const twoMBoundId = (m: number, n: number, seed: number) => `bound-m${m}-n${n}-seed${seed}`;
export const twoMBoundExperiments: Experiment[] = TWO_M_BOUND_M.flatMap((m) =>
  Array.from({ length: 2 * m + 3 }, (_, k) => k + 1)
    .filter((n) => n >= m)
    .flatMap((n) => SEEDS.map((seed) => identityNoBias(twoMBoundId(m, n, seed), n, m, seed, 20_000))),
);

export const freeDimensionExperiments: Experiment[] = [...n3Experiments, ...n3SparseBiasExperiments, ...twoMBoundExperiments];
