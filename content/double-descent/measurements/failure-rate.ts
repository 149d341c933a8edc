/**
 * How often the paper's own setting misses the even T-gon: outcome fractions per T ≤ 30
 * over data seeds, with 95 % Wilson intervals (figure `sparse-failure-rate`, its claim
 * and the prose).
 */
import { wilson, type Proportion } from '../../../pipeline/analysis/stats.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { runDataSeed, measureRuns, MAX_CLASSIFIED_T, type RunMeasures } from './runs.ts';
import { COMPUTED_IDS } from './computed.ts';
import { sweepExperiments } from '../experiments/sweep.ts';
import { paperConventionExperiments } from '../experiments/paper-convention.ts';
import { SPARSE_OUTCOMES, type SparseOutcome } from './outcomes.ts';

/** Of these ids (by default the computed runs; either loss convention), those with T ≤ 30: the runs classified. */
export function failureRateIds(ids: readonly string[] = COMPUTED_IDS): string[] {
  const classified = new Set([...sweepExperiments, ...paperConventionExperiments].filter((e) => e.data.family === 'sparse' && e.data.T <= MAX_CLASSIFIED_T).map((e) => e.id));
  return ids.filter((id) => classified.has(id));
}

export const FAILURE_RATE_IDS = failureRateIds();

export interface OutcomeRow {
  T: number;
  runs: RunMeasures[];
  fractions: Record<SparseOutcome, Proportion>;
  /** Data seeds of the runs that are not even, ascending. */
  unevenSeeds: number[];
}

export function outcomeRows(measures: readonly RunMeasures[]): OutcomeRow[] {
  const Ts = [...new Set(measures.map((m) => m.T))].filter((T): T is number => T !== 'inf' && T <= MAX_CLASSIFIED_T).sort((a, b) => a - b);
  return Ts.map((T) => {
    const runs = measures.filter((m) => m.T === T);
    const outcomes = runs.map((m) => m.classification!.outcome);
    const fractions = Object.fromEntries(SPARSE_OUTCOMES.map((o) => [o, wilson(outcomes.filter((x) => x === o).length, outcomes.length)])) as Record<SparseOutcome, Proportion>;
    const unevenSeeds = runs.filter((m) => m.classification!.outcome !== 'even').map((m) => runDataSeed(m.run)).sort((a, b) => a - b);
    return { T, runs, fractions, unevenSeeds };
  });
}

export function computedOutcomeRows(runs: RunSet, ids: readonly string[] = FAILURE_RATE_IDS): OutcomeRow[] {
  return outcomeRows(measureRuns(runs, ids));
}

/** "3/4 (0.30–0.95)": a count and its 95 % interval. */
export function formatFraction(p: { successes: number; trials: number; low: number; high: number }): string {
  return `${p.successes}/${p.trials} (${p.low.toFixed(2)}–${p.high.toFixed(2)})`;
}
