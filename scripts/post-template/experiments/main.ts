/**
 * The post's experiments: plain data. Edit a value and the next build retrains exactly
 * the runs whose settings changed (the run store is keyed by a hash of every field but `id`).
 */
import type { Experiment } from '../../../pipeline/experiments/types.ts';

/** Four features in two dimensions, no bias: trains in well under a second. */
export const MAIN_RUN: Experiment = {
  id: 'n4-m2',
  data: { family: 'identity', n: 4 },
  m: 2,
  bias: false,
  steps: 3_000,
  schedule: { kind: 'constant', lr: 1e-2 },
  weightDecay: 0,
  seed: 0,
  engine: 'fused',
  snapshots: 0,
};

export const mainExperiments: Experiment[] = [MAIN_RUN];
