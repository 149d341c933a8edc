/**
 * Claims of sections 5, 7 and 8 (ReLU's free dimensions, the 2m bound, the lossy
 * pentagon), each tested against the runs with an explicit criterion. Thresholds and run
 * selection come from ../measurements/, which the figures showing the same runs read
 * too, so a figure and its ledger row cannot disagree about which run is "the best".
 */
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import type { Claim, ClaimResult } from '../../../pipeline/post/claim.ts';
import { angularGaps, featureVectors, isEvenlySpaced, radiansToDegrees, regularity } from '../../../pipeline/analysis/geometry.ts';
import { angleBetween, smallestPairwiseAngle } from '../../../pipeline/analysis/free-dimensions.ts';
import { formatDegrees, formatLoss, formatLossRange, formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import { EXACT_LOSS, N3_SEEDS, N3_SPARSE_BIAS_SEEDS, N4_SEEDS, N5_SEEDS, POSITIVE_LOSS, TWO_M_BOUND_IDS, boundCells, type BoundCell } from '../measurements/free-dimensions.ts';
import { TWO_M_BOUND_M } from '../experiments/free-dimensions.ts';

/** Angles are compared with the ideal to this many degrees (n = 4 square, n = 5 pentagon). */
export const ANGLE_TOLERANCE_DEG = 1;
/** "At least 90°" allows this much float round-off below 90°. */
export const RIGHT_ANGLE_SLACK_DEG = 0.1;
/** The n = 5 loss must exceed this to count as clearly lossy (the zero-output model scores 1). */
export const LOSSY = 0.1;

function vectorsOf(run: LoadedRun) {
  return featureVectors(run.W, run.meta.config.m, run.meta.config.data.n);
}

function gapsDegrees(run: LoadedRun): number[] {
  return angularGaps(vectorsOf(run), 0).gaps.map(radiansToDegrees);
}

/** Every seed's final loss at (m, n), from the 2m-bound cells. */
function seedLosses(cells: readonly BoundCell[], m: number, n: number): number[] {
  const cell = cells.find((c) => c.m === m && c.n === n);
  if (!cell) throw new Error(`two-m-bound: no runs for m = ${m}, n = ${n}`);
  return cell.runs.map((run) => run.meta.finalLoss);
}

const twoMBound: Claim = {
  id: 'two-m-bound',
  statement: 'Without bias, m latent dimensions cannot reconstruct 2m + 1 one-hot features exactly: no trained model reaches zero loss at n = 2m + 1.',
  needs: TWO_M_BOUND_IDS,
  criterion: `For each m in {${TWO_M_BOUND_M.join(', ')}}: every one of the five seeds ends above ${POSITIVE_LOSS} at n = 2m + 1.`,
  section: 'two-m-bound',
  evaluate(runs: RunSet): ClaimResult {
    const cells = boundCells(runs);
    const lowest = TWO_M_BOUND_M.map((m) => ({ m, loss: Math.min(...seedLosses(cells, m, 2 * m + 1)) }));
    return {
      measured: lowest.map((v) => `m = ${v.m}: lowest of the seeds at n = ${2 * v.m + 1} ${formatLoss(v.loss)}`).join('; '),
      holds: lowest.every((v) => v.loss > POSITIVE_LOSS),
    };
  },
};

const twoMBoundReached: Claim = {
  id: 'two-m-bound-reached',
  statement: 'Training reaches the bound: without bias, every trained model reconstructs up to n = 2m one-hot features exactly.',
  needs: TWO_M_BOUND_IDS,
  criterion: `For each m in {${TWO_M_BOUND_M.join(', ')}} and every n ≤ 2m, every one of the five seeds ends below ${EXACT_LOSS} (not only the best seed).`,
  section: 'two-m-bound',
  evaluate(runs: RunSet): ClaimResult {
    const cells = boundCells(runs);
    const parts = TWO_M_BOUND_M.map((m) => {
      const within = cells.filter((c) => c.m === m && c.n <= 2 * m);
      const exact = within.reduce((s, c) => s + c.runs.filter((run) => run.meta.finalLoss < EXACT_LOSS).length, 0);
      const total = within.reduce((s, c) => s + c.runs.length, 0);
      const stuck = within.flatMap((c) => c.runs.filter((run) => run.meta.finalLoss >= EXACT_LOSS).map((run) => `n = ${c.n} seed ${run.meta.config.seed} at ${formatLoss(run.meta.finalLoss)}`));
      return { m, exact, total, stuck };
    });
    return {
      measured: parts.map((p) => `m = ${p.m}: ${p.exact} of ${p.total} runs exact${p.stuck.length > 0 ? ` (not: ${p.stuck.join(', ')})` : ''}`).join('; '),
      holds: parts.every((p) => p.exact === p.total),
    };
  },
};

const n4Exact: Claim = {
  id: 'n4-exact',
  statement: 'Four features in two dimensions without bias are reconstructed exactly, as two antipodal pairs at right angles.',
  needs: N4_SEEDS,
  criterion:
    `Every one of the five seeds has final loss below ${EXACT_LOSS}, all four angular gaps within ${ANGLE_TOLERANCE_DEG}° of 90°, ` +
    `and opposite features (one gap apart on either side) within ${ANGLE_TOLERANCE_DEG}° of 180°.`,
  section: 'free-dimensions',
  evaluate(runs: RunSet): ClaimResult {
    const results = selectRuns(runs, N4_SEEDS).map((run) => {
      const vectors = vectorsOf(run);
      const { order, gaps } = angularGaps(vectors, 0);
      const gapDegrees = gaps.map(radiansToDegrees);
      const opposite = [0, 1].map((k) => radiansToDegrees(angleBetween(vectors[order[k]], vectors[order[k + 2]])));
      const worstGap = Math.max(...gapDegrees.map((g) => Math.abs(g - 90)));
      const worstOpposite = Math.max(...opposite.map((a) => Math.abs(a - 180)));
      return { run, worstGap, worstOpposite, holds: run.meta.finalLoss < EXACT_LOSS && worstGap <= ANGLE_TOLERANCE_DEG && worstOpposite <= ANGLE_TOLERANCE_DEG };
    });
    const worstLoss = Math.max(...results.map((r) => r.run.meta.finalLoss));
    return {
      measured: `${results.filter((r) => r.holds).length} of ${results.length} seeds; largest loss ${formatLoss(worstLoss)}; largest gap deviation from 90° ${formatDegrees(Math.max(...results.map((r) => r.worstGap)), 2)}; from 180° ${formatDegrees(Math.max(...results.map((r) => r.worstOpposite)), 2)}`,
      holds: results.every((r) => r.holds),
    };
  },
};

const n5LossyPentagon: Claim = {
  id: 'n5-lossy-pentagon',
  statement: 'Five features in two dimensions without bias cannot be reconstructed exactly; training spreads them into a regular pentagon with a clearly positive loss.',
  needs: N5_SEEDS,
  criterion: `Every one of the five seeds has final loss above ${LOSSY} and all five angular gaps within ${ANGLE_TOLERANCE_DEG}° of 72°.`,
  section: 'imperfect-reconstruction',
  evaluate(runs: RunSet): ClaimResult {
    const results = selectRuns(runs, N5_SEEDS).map((run) => {
      const worst = Math.max(...gapsDegrees(run).map((g) => Math.abs(g - 72)));
      return { run, worst, holds: run.meta.finalLoss > LOSSY && worst <= ANGLE_TOLERANCE_DEG };
    });
    const losses = results.map((r) => r.run.meta.finalLoss);
    return {
      measured: `${results.filter((r) => r.holds).length} of ${results.length} seeds; losses ${formatLossRange(Math.min(...losses), Math.max(...losses))}; largest gap deviation from 72° ${formatDegrees(Math.max(...results.map((r) => r.worst)), 2)}`,
      holds: results.every((r) => r.holds),
    };
  },
};

const n3RightAngles: Claim = {
  id: 'n3-right-angles',
  statement: 'Three features in two dimensions without bias are reconstructed exactly with every pair of features at least 90° apart.',
  needs: N3_SEEDS,
  criterion: `Every one of the five seeds has final loss below ${EXACT_LOSS} and smallest pairwise angle at least 90° (to ${RIGHT_ANGLE_SLACK_DEG}° of float round-off).`,
  section: 'free-dimensions',
  evaluate(runs: RunSet): ClaimResult {
    const used = selectRuns(runs, N3_SEEDS);
    const smallest = used.map((run) => radiansToDegrees(smallestPairwiseAngle(vectorsOf(run))));
    const worstLoss = Math.max(...used.map((run) => run.meta.finalLoss));
    return {
      measured: `largest loss ${formatLoss(worstLoss)}; smallest angle per seed ${smallest.map((a) => formatDegrees(a)).join(', ')}`,
      holds: worstLoss < EXACT_LOSS && smallest.every((a) => a >= 90 - RIGHT_ANGLE_SLACK_DEG),
    };
  },
};

const n3SparseBiasRegular: Claim = {
  id: 'n3-sparse-bias-regular',
  statement: 'With a bias and sparse data, three features in two dimensions come out as an evenly spaced triangle.',
  needs: N3_SPARSE_BIAS_SEEDS,
  criterion: 'Every one of the five seeds is evenly spaced by the section-3 regularity score (length ratio ≥ 0.9, largest gap ≤ 1.15 × 120°, no dead feature).',
  section: 'free-dimensions',
  evaluate(runs: RunSet): ClaimResult {
    const scores = selectRuns(runs, N3_SPARSE_BIAS_SEEDS).map((run) => regularity(vectorsOf(run)));
    return {
      measured: `gap ratios ${scores.map((s) => formatRatio(s.gapRatio, 3)).join(', ')}; length ratios ${scores.map((s) => formatRatio(s.normRatio, 3)).join(', ')}`,
      holds: scores.every(isEvenlySpaced),
    };
  },
};

export const freeDimensionClaims: Claim[] = [n3RightAngles, n3SparseBiasRegular, n4Exact, twoMBound, twoMBoundReached, n5LossyPentagon];
