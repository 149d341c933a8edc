/**
 * Example and feature dimensionality per T (figure `dimensionality`, the memorizing-regime
 * claim and the prose), and the reference 2/T: each example's share of the two
 * dimensions when the T hidden vectors form a regular T-gon.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { COMPUTED_IDS } from './computed.ts';
import { byT, measureRuns, spread, type RunMeasures, type Spread } from './runs.ts';
import type { SweepT } from '../experiments/sweep.ts';

export interface DimensionalityPoint {
  T: SweepT;
  runs: RunMeasures[];
  examples: Spread;
  features: Spread;
}

export function dimensionalityCurve(measures: readonly RunMeasures[]): DimensionalityPoint[] {
  return byT(measures, (group) => ({
    examples: spread(group.map((m) => m.exampleDimensionality)),
    features: spread(group.map((m) => m.featureDimensionality)),
  })).map(({ T, runs, value }) => ({ T, runs, ...value }));
}

export function computedDimensionalityCurve(runs: RunSet, ids: readonly string[] = COMPUTED_IDS): DimensionalityPoint[] {
  return dimensionalityCurve(measureRuns(runs, ids));
}

/** Each vertex's dimensionality in a regular T-gon in the plane (T ≥ 3). */
export function tgonDimensionality(T: number): number {
  return 2 / T;
}

/**
 * "Memorizing": training loss below this. The paper's memorizing solutions reconstruct
 * their training set exactly; 0.01 is 1 % of the all-zero model's loss, the same cut
 * pipeline/analysis/outcomes.ts uses for "memorizes exactly".
 */
export const MEMORIZED_LOSS = 0.01;

/** Relative tolerance of the memorizing-regime claim: example dimensionality within 10 % of 2/T. */
export const DIMENSIONALITY_TOLERANCE = 0.1;

/** Relative deviation of a run's example dimensionality from 2/T. */
export function deviationFromTgon(m: RunMeasures): number {
  if (m.T === 'inf') throw new Error('deviationFromTgon: T = ∞ has no T-gon');
  return m.exampleDimensionality / tgonDimensionality(m.T) - 1;
}
