/**
 * How long a run takes to train, estimated from its configuration before training it:
 * the dev loop (`npm run dev`) trains a changed experiment at once only when that is a
 * matter of seconds, and otherwise shows the figure as stale with the command to run.
 *
 * The work of one step of the fused engine is examples × features (every output of every
 * example), plus O(n) per step (AdamW over the parameters, copies) and a fixed overhead:
 *
 *   seconds ≈ steps × (T·n·1.2e-9 + n·9e-8 + 3e-6) + 0.02
 *
 * Constants fitted to the wall times recorded in this repository's run store (2 shared
 * cores): identity(7), 20,000 steps, measured 0.05 s, estimated 0.08 s; identity(12),
 * 50,000 steps, 0.15 s vs 0.19 s; sparse(10000) with T = 3 and T = 30, 50,000 steps,
 * 44 s and 60 s vs 45 s and 63 s. An estimate, not a promise: it only has to tell
 * "a few seconds" from "a minute".
 */
import type { Experiment } from '../experiments/types.ts';
import { exampleCount } from '../data/datasets.ts';


export function estimateSeconds(experiment: Experiment): number {
  const n = experiment.data.n;
  const T = exampleCount(experiment.data);
  return experiment.steps * (T * n * 1.2e-9 + n * 9e-8 + 3e-6) + 0.02;
}

/**
 * The runs to train now: cheapest first while their estimated total fits the budget
 * (seconds). The rest are left for `npm run train`.
 */
export function cheapRuns(missing: readonly Experiment[], budgetSeconds: number): { now: Experiment[]; later: Experiment[] } {
  const byCost = [...missing].sort((a, b) => estimateSeconds(a) - estimateSeconds(b) || (a.id < b.id ? -1 : 1));
  const now: Experiment[] = [];
  const later: Experiment[] = [];
  let total = 0;
  for (const experiment of byCost) {
    const cost = estimateSeconds(experiment);
    if (total + cost <= budgetSeconds) {
      now.push(experiment);
      total += cost;
    } else later.push(experiment);
  }
  return { now, later };
}
