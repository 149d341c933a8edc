/**
 * What the hidden vectors of a memorization run (T ≤ 30 sparse examples) ended up as. The
 * paper's memorizing solution puts the T hidden vectors on a regular T-gon; these are the
 * ways a run can miss it. Checked in this order:
 *
 * - 'unrepresented': some example's hidden vector is shorter than a tenth of the longest.
 *   Its outputs are then b_j + W_jᵀh_t ≈ b_j: the model has in effect no place for it.
 *   (The same tenth that pipeline/analysis/outcomes.ts uses for dead features.)
 * - 'even': every hidden vector on one evenly spaced T-gon, by the series' one test
 *   (geometry.ts EVEN_THRESHOLDS: norm ratio ≥ 0.9, largest gap ≤ 1.15 × 2π/T).
 * - 'several-radii': the norms fall on two or more radii (sorted norms more than 10 %
 *   apart start a new radius; outcomes.ts radiusLevels), the literature's "two circles".
 * - 'other': one radius, but not evenly spaced (e.g. two examples sharing a direction).
 */
import { isEvenlySpaced, norm, regularity, splitDead, type RegularityScore, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { OUTCOME_THRESHOLDS, radiusLevels } from '../../../pipeline/analysis/outcomes.ts';

export type SparseOutcome = 'even' | 'several-radii' | 'unrepresented' | 'other';

/** In the order figures list them. */
export const SPARSE_OUTCOMES: readonly SparseOutcome[] = ['even', 'several-radii', 'unrepresented', 'other'];

export const SPARSE_OUTCOME_LABELS: Record<SparseOutcome, string> = {
  even: 'even T-gon',
  'several-radii': 'several radii',
  unrepresented: 'unrepresented example',
  other: 'other',
};

/** A hidden vector shorter than this fraction of the longest is unrepresented. */
export const UNREPRESENTED_FRACTION = OUTCOME_THRESHOLDS.deadFraction;

export interface SparseClassification {
  outcome: SparseOutcome;
  /** Indices of unrepresented examples. */
  unrepresented: number[];
  /** Distinct radii of the represented hidden vectors, ascending. */
  radii: number[];
  /** Regularity of all hidden vectors (geometry.ts). */
  score: RegularityScore;
}

export function classifyHiddenVectors(hidden: readonly Vec2[]): SparseClassification {
  const { live, dead } = splitDead(hidden, UNREPRESENTED_FRACTION);
  const score = regularity(hidden);
  const radii = radiusLevels(live.map((i) => norm(hidden[i])));
  const result = (outcome: SparseOutcome): SparseClassification => ({ outcome, unrepresented: dead, radii, score });
  if (dead.length > 0 || live.length === 0) return result('unrepresented');
  if (isEvenlySpaced(score)) return result('even');
  if (radii.length >= 2) return result('several-radii');
  return result('other');
}
