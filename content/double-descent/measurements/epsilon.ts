/**
 * What sets the height of the peak: the test loss at fixed T against Adam's ε, under the
 * sum convention (experiments/epsilon.ts, and the sweep itself at PyTorch's ε = 1e-8),
 * with the paper's convention placed at its equivalent ε. AdamW sees a loss scaled by 1/n
 * only through ε, so averaging over n outputs with ε trains exactly what summing with n·ε
 * trains (tests/unit/loss-convention.test.ts): the paper-convention runs belong at
 * ε = n · 1e-8 on this axis, and the sum-convention runs there should match them.
 *
 * Beside the test loss, the mechanism: the mean length ‖W_j‖ of the features that one
 * training example uses (loss-sources.ts), per run.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { selectRuns } from '../../../pipeline/post/format.ts';
import { ADAM_EPS } from '../../../pipeline/train/adamw.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { featureUseOf } from './loss-sources.ts';
import { overSeeds, type ConventionPoint } from './paper-convention.ts';
import { runT, spread, type Spread } from './runs.ts';
import { testLossEstimate } from './test-loss.ts';

export type Convention = 'sum' | 'mean';

export interface EpsilonPoint extends Omit<ConventionPoint, 'T'> {
  T: number;
  convention: Convention;
  /** Adam's ε the runs trained with. */
  eps: number;
  /** Where the point sits on an ε axis of the sum convention: ε itself, or n·ε for the mean convention. */
  sumEquivalentEps: number;
  /** Mean ‖W_j‖ of the features one training example uses, over the seeds. */
  onceUsedNorm: Spread;
}

export const conventionOf = (run: LoadedRun): Convention => run.meta.config.lossReduction ?? 'sum';
export const epsOf = (run: LoadedRun): number => run.meta.config.adamEps ?? ADAM_EPS;

/** The runs among `ids` grouped by (T, convention, ε), finite T only, ordered by T then equivalent ε. */
export function epsilonSeries(runs: RunSet, ids: readonly string[]): EpsilonPoint[] {
  const groups = new Map<string, LoadedRun[]>();
  for (const run of selectRuns(runs, ids)) {
    const T = runT(run);
    if (T === 'inf') continue;
    const key = `${T}|${conventionOf(run)}|${epsOf(run)}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()]
    .map((list) => {
      const run = list[0];
      const convention = conventionOf(run);
      const eps = epsOf(run);
      return {
        T: runT(run) as number,
        convention,
        eps,
        sumEquivalentEps: convention === 'mean' ? eps * run.meta.config.data.n : eps,
        onceUsedNorm: spread(list.map((r) => featureUseOf(r)![1].meanNorm)),
        ...overSeeds(list.map(testLossEstimate)),
      };
    })
    .sort((a, b) => a.T - b.T || a.sumEquivalentEps - b.sumEquivalentEps || a.convention.localeCompare(b.convention));
}
