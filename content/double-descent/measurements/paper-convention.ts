/**
 * The replication: test loss per T under the paper's loss convention (the mean over
 * outputs), in the units of the paper's figure, against the values read off that figure.
 *
 * Units. Under the mean convention the empty model's raw loss is 1/n (10⁻⁴ here), yet the
 * paper's curve sits near 1 and crosses 1 where the model starts to beat the empty model:
 * its y-axis is the loss in units of the empty model's, L·n, which is what the sum
 * convention's loss is. So both conventions are compared in those units: the per-example
 * loss summed over outputs (test-loss.ts).
 *
 * Errors. Per T, two errors are kept apart: the test-set standard error of each run
 * (sampling fresh examples; test-loss.ts) and the spread over data seeds (the standard
 * error of the mean over seeds, which includes the test-set noise of each seed).
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { selectRuns } from '../../../pipeline/post/format.ts';
import type { SweepT } from '../experiments/sweep.ts';
import { PAPER_TEST_LOSS, READ_OFF_PRECISION } from './paper.ts';
import { runT, tOrder } from './runs.ts';
import { testLossEstimate, type TestLossEstimate } from './test-loss.ts';

export interface ConventionPoint {
  T: SweepT;
  /** One estimate per data seed, in the order of the ids. */
  seeds: TestLossEstimate[];
  mean: number;
  /** Standard error of the mean over data seeds (sample sd / √seeds); 0 for one seed. */
  seedError: number;
  /** The largest test-set standard error among the seeds. */
  testSetError: number;
}

export function conventionCurve(runs: RunSet, ids: readonly string[]): ConventionPoint[] {
  const groups = new Map<SweepT, TestLossEstimate[]>();
  for (const run of selectRuns(runs, ids)) {
    const T = runT(run);
    groups.set(T, [...(groups.get(T) ?? []), testLossEstimate(run)]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => tOrder(a) - tOrder(b))
    .map(([T, seeds]) => ({ T, ...overSeeds(seeds) }));
}

/** One setting's test loss over its data seeds: the mean, its standard error over seeds and the largest test-set error. */
export function overSeeds(seeds: TestLossEstimate[]): Omit<ConventionPoint, 'T'> {
  const k = seeds.length;
  const mean = seeds.reduce((s, e) => s + e.mean, 0) / k;
  const variance = k > 1 ? seeds.reduce((s, e) => s + (e.mean - mean) ** 2, 0) / (k - 1) : 0;
  return { seeds, mean, seedError: Math.sqrt(variance / k), testSetError: Math.max(...seeds.map((e) => e.standardError)) };
}

/** The error a point's mean is quoted with: the seeds' standard error, or the test-set error where that is larger (one seed). */
export function quotedError(point: ConventionPoint): number {
  return Math.max(point.seedError, point.testSetError / Math.sqrt(point.seeds.length));
}

export interface PaperComparison {
  T: number;
  paper: number;
  ours: ConventionPoint;
  difference: number;
  /** |ours − paper| ≤ 2 · quotedError + READ_OFF_PRECISION: the paper's value is inside our 95 % interval widened by how well it can be read. */
  agrees: boolean;
}

/** Our curve against each read-off value of the paper at a T we computed. */
export function compareWithPaper(curve: readonly ConventionPoint[]): PaperComparison[] {
  return PAPER_TEST_LOSS.flatMap(({ T, loss }) => {
    const ours = curve.find((p) => p.T === T);
    if (!ours) return [];
    const difference = ours.mean - loss;
    return [{ T, paper: loss, ours, difference, agrees: Math.abs(difference) <= 2 * quotedError(ours) + READ_OFF_PRECISION }];
  });
}
