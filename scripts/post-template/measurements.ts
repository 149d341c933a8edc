/**
 * Runs → numbers, in one place: the figures and the claims both read these, so a
 * figure and a ledger row that quote the same quantity cannot disagree.
 */
import { angularGaps, featureVectors, norm, radiansToDegrees, type Vec2 } from '../../pipeline/analysis/geometry.ts';
import type { LoadedRun } from '../../pipeline/store/types.ts';

/** The loss of the model that outputs zero on identity data: each one-hot example misses by 1. */
export const ZERO_OUTPUT_LOSS = 1;

export interface Arrangement {
  /** Column i of W as a point in the plane (m = 2). */
  vectors: Vec2[];
  norms: number[];
  /** Angular gaps in degrees, counter-clockwise from W₁, and the features in that order. */
  gapsDegrees: number[];
  order: number[];
}

/** Where training put each feature. */
export function arrangement(W: ArrayLike<number>, n: number): Arrangement {
  const vectors = featureVectors(W, 2, n);
  const { order, gaps } = angularGaps(vectors, 0);
  return { vectors, norms: vectors.map(norm), gapsDegrees: gaps.map(radiansToDegrees), order };
}

export function runArrangement(run: LoadedRun): Arrangement {
  return arrangement(run.W, run.meta.config.data.n);
}
