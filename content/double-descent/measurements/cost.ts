/**
 * What the sweep cost to compute: wall time per T from the runs' own metadata (the time
 * each run's training took on the machine that trained it, as `npm run train` recorded it),
 * and the engine backend and threads it ran on.
 */
import { selectRuns } from '../../../pipeline/post/format.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { formatT, runT, tOrder } from './runs.ts';
import type { SweepT } from '../experiments/sweep.ts';

export interface CostAtT {
  T: SweepT;
  runs: number;
  /** Distinct "backend, threads" the runs record, in first-seen order. */
  engines: string[];
  meanSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  totalSeconds: number;
}

export function sweepCost(runs: RunSet, ids: readonly string[]): CostAtT[] {
  const byT = new Map<SweepT, { seconds: number[]; engines: string[] }>();
  for (const run of selectRuns(runs, ids)) {
    const T = runT(run);
    const entry = byT.get(T) ?? { seconds: [], engines: [] };
    entry.seconds.push(run.meta.wallSeconds);
    const engine = `${run.meta.engine.backend}, ${run.meta.engine.threads} thread${run.meta.engine.threads === 1 ? '' : 's'}`;
    if (!entry.engines.includes(engine)) entry.engines.push(engine);
    byT.set(T, entry);
  }
  return [...byT.entries()]
    .sort(([a], [b]) => tOrder(a) - tOrder(b))
    .map(([T, { seconds, engines }]) => {
      const total = seconds.reduce((s, x) => s + x, 0);
      return { T, runs: seconds.length, engines, meanSeconds: total / seconds.length, minSeconds: Math.min(...seconds), maxSeconds: Math.max(...seconds), totalSeconds: total };
    });
}

/** The T whose runs took longest in total, for the prose. */
export function costliestT(cost: readonly CostAtT[]): string {
  const top = cost.reduce((a, b) => (b.totalSeconds > a.totalSeconds ? b : a));
  return formatT(top.T);
}
