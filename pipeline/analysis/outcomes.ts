/**
 * What a trained identity(n), m = 2, with-bias model ended up as. Section 10 counts these
 * outcomes over seed sweeps and the claims ledger reads them, so the classes and every
 * threshold are defined here, once. Each class names a state the runs actually show:
 *
 * - 'even': exact memorization (loss ≈ 0) with every feature live on one evenly spaced n-gon.
 * - 'several-radii': every feature live, loss ≈ 0, but the feature norms fall on two or
 *   more distinct radii (each radius with its own bias, since exactness forces
 *   ‖W_i‖² + b_i = 1).
 * - 'uneven': every feature live, loss ≈ 0, one circle, but the angles uneven. A circle
 *   larger than the construction's leaves the angles slack (exactness only needs each
 *   neighbour's output to stay ≤ 0), and weight decay closes that slack only slowly.
 * - 'symmetric-failure': one or more short features (W_i ≈ 0) whose bias sits at its mean
 *   target 1/n, and the remaining features evenly spaced and exact. For n = 7 this is the
 *   literature's "six on a hexagon and one dead feature", loss (n − 1)/n² per such feature.
 * - 'small-feature': a short feature with a positive bias that is not (yet) the symmetric
 *   failure: its output fires on its own example and leaks into others, while the other
 *   features memorize their examples on several radii (at n = 7 the loss sits near 0.10).
 * - 'switched-off': at least one feature whose output fires on no training example
 *   (W_iᵀW_j + b_i ≤ 0 for every j, e.g. W_i = 0 and b_i ≤ 0). Its bias then gets exactly
 *   zero gradient, and once W_i has decayed to 0 no gradient reaches W_i either: the state
 *   is permanent. Each such feature costs exactly 1/n of loss when the rest are exact, so
 *   "a hexagon plus one switched-off feature" scores 1/7 at n = 7. This is an exact test
 *   with no threshold.
 * - 'other': everything else, e.g. a live arrangement that is not (yet) exact.
 */
import { featureVectors, norm, regularity, type RegularityScore } from './geometry.ts';
import { EVEN_THRESHOLDS } from './geometry.ts';

export type Outcome = 'even' | 'several-radii' | 'uneven' | 'symmetric-failure' | 'small-feature' | 'switched-off' | 'other';

/** Every outcome, in the order figures list them: memorizing first, then the failures. */
export const OUTCOMES: readonly Outcome[] = ['even', 'several-radii', 'uneven', 'symmetric-failure', 'small-feature', 'switched-off', 'other'];

/** The outcomes that memorize every example (loss ≈ 0, every feature live). */
export const MEMORIZING: readonly Outcome[] = ['even', 'several-radii', 'uneven'];

export interface Classification {
  outcome: Outcome;
  /** The training loss the classification was given. */
  loss: number;
  /** Indices of short features, ‖W_i‖ under shortFraction of the longest (see OUTCOME_THRESHOLDS). */
  deadFeatures: number[];
  /** Indices of switched-off features: their output fires on no training example. */
  switchedOff: number[];
  /** Distinct radii of the live feature vectors, ascending (one entry for a single circle). */
  radiusLevels: number[];
  /** Regularity of the live feature vectors; `dead` lists the short features' indices. */
  regularity: RegularityScore;
}

/**
 * The thresholds, with the reasons for them. `thresholdSensitivity` in the post's
 * measurements recounts every sweep with each one halved and doubled.
 *
 * - exactLoss 0.01: "memorizes exactly". The all-zeros model scores 1, and the cheapest
 *   failure, one dead feature with its bias at 1/n, scores (n − 1)/n², which is 0.076 at
 *   n = 12 and larger for smaller n; 0.01 sits well below every failure while leaving room
 *   for the residual that Adam's jitter at a large constant learning rate (about 10⁻³ at
 *   lr 0.1) or an unfinished run leaves on an exact solution.
 * - deadFraction 0.1: a feature shorter than a tenth of the longest one is short (dead or
 *   nearly). A live feature of an exact solution has ‖W_i‖² = 1 − b_i with b_i < 0, so
 *   ‖W_i‖ > 1, while the short features the runs show are under 0.21 against a longest
 *   of 1.3 or more. geometry.ts's DEAD_FRACTION (10⁻³) is meant for vectors already
 *   decayed to round-off; it would call a still-shrinking dead feature live.
 * - deadBiasTolerance 0.05: a dead feature outputs b_i for every example; the squared
 *   error (b_i − 1)² + (n − 1)b_i² is smallest at b_i = 1/n. 0.05 is a third of 1/7 and
 *   more than half of 1/12, so it accepts weight-decay shrinkage while the small
 *   feature's bias (about 0.25–0.3 at n = 7) is outside it.
 * - failureLossSlack 0.25: the symmetric failure's loss is d(n − 1)/n² for d dead features
 *   if the live ones are exact; a run counts as that state only if its loss is within this
 *   relative margin (a live part that is not yet exact is 'small-feature' or 'other').
 * - radiusGap 0.1: sorted live norms more than 10 % apart start a new radius level. This
 *   is the same 10 % as EVEN_THRESHOLDS.minNormRatio (one circle to within 10 %).
 * - minNormRatio 0.9 and maxGapRatio 1.15: even spacing of the live vectors, geometry.ts's
 *   EVEN_THRESHOLDS, so "even" means the same thing across the article.
 */
export interface OutcomeThresholds {
  exactLoss: number;
  deadFraction: number;
  deadBiasTolerance: number;
  failureLossSlack: number;
  radiusGap: number;
  minNormRatio: number;
  maxGapRatio: number;
}

export const OUTCOME_THRESHOLDS: Readonly<OutcomeThresholds> = {
  exactLoss: 0.01,
  deadFraction: 0.1,
  deadBiasTolerance: 0.05,
  failureLossSlack: 0.25,
  radiusGap: 0.1,
  minNormRatio: EVEN_THRESHOLDS.minNormRatio,
  maxGapRatio: EVEN_THRESHOLDS.maxGapRatio,
};

/** Loss of the symmetric failure with `dead` dead features (bias 1/n) and exact live ones: d(n − 1)/n². */
export function symmetricFailureLoss(n: number, dead = 1): number {
  return (dead * (n - 1)) / (n * n);
}

/** Loss of `off` switched-off features next to exact live ones: each example of theirs is missed entirely, off/n. */
export function switchedOffLoss(n: number, off = 1): number {
  return off / n;
}

/** Sorted values grouped where consecutive ones differ by more than `gap` (relative); the mean of each group. */
export function radiusLevels(norms: readonly number[], gap: number = OUTCOME_THRESHOLDS.radiusGap): number[] {
  const sorted = [...norms].sort((a, b) => a - b);
  const levels: number[][] = [];
  for (const r of sorted) {
    const current = levels[levels.length - 1];
    if (current && r <= current[current.length - 1] * (1 + gap)) current.push(r);
    else levels.push([r]);
  }
  return levels.map((group) => group.reduce((s, r) => s + r, 0) / group.length);
}

function evenSpacing(score: RegularityScore, t: OutcomeThresholds): boolean {
  return score.count > 0 && score.normRatio >= t.minNormRatio && score.gapRatio <= t.maxGapRatio;
}

/**
 * Features whose output fires on no training example: W_iᵀW_j + b_i ≤ 0 for every
 * example e_j (whose hidden vector is W_j). Exact, no threshold.
 */
export function switchedOffFeatures(W: ArrayLike<number>, b: ArrayLike<number>, n: number): number[] {
  const vectors = featureVectors(W, 2, n);
  const off: number[] = [];
  for (let i = 0; i < n; i++) {
    let fires = false;
    for (let j = 0; j < n && !fires; j++) fires = vectors[i][0] * vectors[j][0] + vectors[i][1] * vectors[j][1] + b[i] > 0;
    if (!fires) off.push(i);
  }
  return off;
}

/** Classifies a trained identity(n), m = 2, with-bias run from its final parameters and training loss. */
export function classifyIdentityRun(
  W: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  loss: number,
  t: OutcomeThresholds = OUTCOME_THRESHOLDS,
): Classification {
  if (b.length !== n) throw new Error(`classifyIdentityRun: b has ${b.length} entries, expected n = ${n}`);
  const vectors = featureVectors(W, 2, n);
  const norms = vectors.map(norm);
  const longest = Math.max(0, ...norms);
  const live: number[] = [];
  const deadFeatures: number[] = [];
  norms.forEach((r, i) => (longest > 0 && r >= t.deadFraction * longest ? live : deadFeatures).push(i));
  const liveScore = regularity(live.map((i) => vectors[i]));
  const score: RegularityScore = { ...liveScore, dead: deadFeatures };
  const levels = radiusLevels(live.map((i) => norms[i]), t.radiusGap);
  const switchedOff = switchedOffFeatures(W, b, n);
  const result = (outcome: Outcome): Classification => ({ outcome, loss, deadFeatures, switchedOff, radiusLevels: levels, regularity: score });

  if (switchedOff.length > 0) return result('switched-off');
  if (deadFeatures.length === 0) {
    if (loss >= t.exactLoss) return result('other');
    if (levels.length >= 2) return result('several-radii');
    return result(evenSpacing(score, t) ? 'even' : 'uneven');
  }
  const biasAtMean = deadFeatures.every((i) => Math.abs(b[i] - 1 / n) <= t.deadBiasTolerance);
  const expected = symmetricFailureLoss(n, deadFeatures.length);
  const lossMatches = Math.abs(loss - expected) <= t.failureLossSlack * expected;
  if (biasAtMean && lossMatches && live.length >= 2 && evenSpacing(score, t)) return result('symmetric-failure');
  if (deadFeatures.every((i) => b[i] > 0)) return result('small-feature');
  return result('other');
}
