/**
 * What a trained identity(n), m = 2, with-bias model ended up as. Section 10 counts these
 * outcomes over seed sweeps and the claims ledger reads them, so the classes and every
 * threshold are defined here, once.
 *
 * - 'even': exact memorization (loss ≈ 0) with every feature live on one evenly spaced n-gon.
 * - 'symmetric-failure': one or more dead features (W_i ≈ 0) whose bias sits at its mean
 *   target 1/n, and the remaining features evenly spaced and exact. For n = 7 this is the
 *   literature's "six on a hexagon and one dead feature".
 * - 'several-radii': every feature live, loss ≈ 0, but the feature norms fall on two or
 *   more distinct radii (each radius with its own bias, since exactness forces
 *   ‖W_i‖² + b_i = 1).
 * - 'other': everything else, e.g. a stalled uneven arrangement or a dead feature whose
 *   bias is not at 1/n.
 */
import { EVEN_THRESHOLDS, featureVectors, irregularity, norm, regularity, type RegularityScore } from './geometry.ts';

export type Outcome = 'even' | 'symmetric-failure' | 'several-radii' | 'other';

/** Every outcome, in the order figures list them. */
export const OUTCOMES: readonly Outcome[] = ['even', 'symmetric-failure', 'several-radii', 'other'];

export interface Classification {
  outcome: Outcome;
  /** The training loss the classification was given. */
  loss: number;
  /** Indices of dead features (see OUTCOME_THRESHOLDS.deadFraction). */
  deadFeatures: number[];
  /** Distinct radii of the live feature vectors, ascending (one entry for a single circle). */
  radiusLevels: number[];
  /** Regularity of the live feature vectors; `dead` lists the dead features' indices. */
  regularity: RegularityScore;
}

/**
 * The thresholds, with the reasons for them.
 *
 * - exactLoss 0.01: "memorizes exactly". The all-zeros model scores 1, and the cheapest
 *   failure, one dead feature with its bias at 1/n, scores (n − 1)/n², which is 0.076 at
 *   n = 12 and larger for smaller n; 0.01 sits well below every failure while leaving room
 *   for the small residual that weight decay or an unfinished run leaves on an exact
 *   solution.
 * - deadFraction 0.1: a feature shorter than a tenth of the longest one is dead. A live
 *   feature of an exact solution has ‖W_i‖² = 1 − b_i with b_i < 0, so ‖W_i‖ > 1, while a
 *   dying feature is pulled to 0 (its stability comes from a positive-definite curvature
 *   at W_i = 0) and under Adam only jitters at the scale of the learning rate. geometry.ts's
 *   DEAD_FRACTION (10⁻³) is meant for vectors already decayed to round-off; it would
 *   call a still-shrinking dead feature live.
 * - deadBiasTolerance 0.05: a dead feature outputs b_i for every example; the squared
 *   error (b_i − 1)² + (n − 1)b_i² is smallest at b_i = 1/n. 0.05 is a third of 1/7 and
 *   more than half of 1/12, so it accepts weight-decay shrinkage and rejects b_i ≤ 0
 *   (a feature that is simply switched off).
 * - failureLossSlack 0.25: the symmetric failure's loss is d(n − 1)/n² for d dead features
 *   if the live ones are exact; a run counts as that state only if its loss is within this
 *   relative margin (a live part that is not yet exact is 'other').
 * - radiusGap 0.1: sorted live norms more than 10 % apart start a new radius level. This
 *   is the same 10 % as EVEN_THRESHOLDS.minNormRatio (one circle to within 10 %).
 * - even spacing of the live vectors: EVEN_THRESHOLDS from geometry.ts (norm ratio ≥ 0.9,
 *   largest gap ≤ 1.15 × 2π/k), so "even" means the same thing across the article.
 */
export const OUTCOME_THRESHOLDS = {
  exactLoss: 0.01,
  deadFraction: 0.1,
  deadBiasTolerance: 0.05,
  failureLossSlack: 0.25,
  radiusGap: 0.1,
} as const;

/** Loss of the symmetric failure with `dead` dead features (bias 1/n) and exact live ones: d(n − 1)/n². */
export function symmetricFailureLoss(n: number, dead = 1): number {
  return (dead * (n - 1)) / (n * n);
}

/** Sorted values grouped where consecutive ones differ by more than `gap` (relative); the mean of each group. */
export function radiusLevels(norms: readonly number[], gap = OUTCOME_THRESHOLDS.radiusGap): number[] {
  const sorted = [...norms].sort((a, b) => a - b);
  const levels: number[][] = [];
  for (const r of sorted) {
    const current = levels[levels.length - 1];
    if (current && r <= current[current.length - 1] * (1 + gap)) current.push(r);
    else levels.push([r]);
  }
  return levels.map((group) => group.reduce((s, r) => s + r, 0) / group.length);
}

function evenSpacing(score: RegularityScore): boolean {
  return score.count > 0 && irregularity(score) <= 1;
}

/** Classifies a trained identity(n), m = 2, with-bias run from its final parameters and training loss. */
export function classifyIdentityRun(W: ArrayLike<number>, b: ArrayLike<number>, n: number, loss: number): Classification {
  if (b.length !== n) throw new Error(`classifyIdentityRun: b has ${b.length} entries, expected n = ${n}`);
  const t = OUTCOME_THRESHOLDS;
  const vectors = featureVectors(W, 2, n);
  const norms = vectors.map(norm);
  const longest = Math.max(0, ...norms);
  const live: number[] = [];
  const deadFeatures: number[] = [];
  norms.forEach((r, i) => (longest > 0 && r >= t.deadFraction * longest ? live : deadFeatures).push(i));
  const liveScore = regularity(live.map((i) => vectors[i]));
  const score: RegularityScore = { ...liveScore, dead: deadFeatures };
  const levels = radiusLevels(live.map((i) => norms[i]));
  const result = (outcome: Outcome): Classification => ({ outcome, loss, deadFeatures, radiusLevels: levels, regularity: score });

  if (deadFeatures.length === 0) {
    if (loss >= t.exactLoss) return result('other');
    if (levels.length >= 2) return result('several-radii');
    // EVEN_THRESHOLDS' norm ratio is implied by a single level only up to chained 10 % steps; check both.
    return result(evenSpacing(score) && score.normRatio >= EVEN_THRESHOLDS.minNormRatio ? 'even' : 'other');
  }
  const biasAtMean = deadFeatures.every((i) => Math.abs(b[i] - 1 / n) <= t.deadBiasTolerance);
  const expected = symmetricFailureLoss(n, deadFeatures.length);
  const lossMatches = Math.abs(loss - expected) <= t.failureLossSlack * expected;
  if (biasAtMean && lossMatches && live.length >= 2 && evenSpacing(score)) return result('symmetric-failure');
  return result('other');
}
