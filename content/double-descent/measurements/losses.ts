/**
 * The double-descent curve: test and training loss per T (mean and spread over data
 * seeds), T = ∞, and where the test loss peaks. Figures, claims and prose read it here.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import type { SweepT } from '../experiments/sweep.ts';
import { COMPUTED_IDS } from './computed.ts';
import { byT, measureRuns, spread, type RunMeasures, type Spread } from './runs.ts';

export interface LossPoint {
  T: SweepT;
  runs: RunMeasures[];
  test: Spread;
  train: Spread;
}

export interface LossCurve {
  /** Finite T, ascending. */
  finite: (LossPoint & { T: number })[];
  /** T = ∞ (a fresh batch every step), when computed. */
  infinity: LossPoint | null;
}

export function lossCurve(measures: readonly RunMeasures[]): LossCurve {
  const points = byT(measures, (group) => ({ test: spread(group.map((m) => m.testLoss)), train: spread(group.map((m) => m.trainLoss)) })).map(
    ({ T, runs, value }) => ({ T, runs, ...value }),
  );
  return {
    finite: points.filter((p): p is LossPoint & { T: number } => p.T !== 'inf'),
    infinity: points.find((p) => p.T === 'inf') ?? null,
  };
}

/** The curve of the runs with these ids (by default the computed ones). */
export function computedLossCurve(runs: RunSet, ids: readonly string[] = COMPUTED_IDS): LossCurve {
  return lossCurve(measureRuns(runs, ids));
}

/** The finite T with the highest mean test loss among those with T ≥ `from` (null when none is computed). */
export function testLossPeak(curve: LossCurve, from = 0): (LossPoint & { T: number }) | null {
  const candidates = curve.finite.filter((p) => p.T >= from);
  if (candidates.length === 0) return null;
  return candidates.reduce((best, p) => (p.test.mean > best.test.mean ? p : best));
}

/**
 * Where the generalization transition begins for the peak claim: the paper's memorizing
 * regime ends around T = 30–100 (its hidden vectors stop forming a T-gon), and its
 * double-descent peak sits near T = 2,000.
 */
export const TRANSITION_FROM_T = 100;
