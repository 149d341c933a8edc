/**
 * What sets the peak: the sum convention (sweep.ts) with Adam's ε swept from PyTorch's 1e-8
 * up to 1e-3 at the sizes around the peak. AdamW sees the loss's scale only through ε, so
 * the mean convention with ε = 1e-8 is the sum convention with ε = 1e-8 · n = 1e-4: that
 * value is in the series, and the paper-convention runs at the same T should land on it.
 * ε = 1e-8 is the sweep itself (its runs are not repeated here).
 */
import type { Experiment } from '../../../pipeline/experiments/types.ts';
import { SWEEP_DATA_SEEDS, sweepRun } from './sweep.ts';

export const EPSILON_T = [1_000, 2_000] as const;
/** Every ε of the figure above PyTorch's default, which sweep.ts trains. */
export const EPSILONS = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3] as const;

export function epsilonId(eps: number, T: number, dataSeed: number): string {
  return `dd-eps${eps.toExponential()}-T${T}-data${dataSeed}`.replace('+', '');
}

/** Cheapest first: the smaller T, then ε, then data seed. */
export const epsilonExperiments: Experiment[] = EPSILON_T.flatMap((T) =>
  EPSILONS.flatMap((eps) => SWEEP_DATA_SEEDS.map((seed) => ({ ...sweepRun(T, seed, { adamEps: eps }), id: epsilonId(eps, T, seed) }))),
);
