/**
 * `sweep-cost`: what each T of the computed sweep took to train, from the runs' metadata:
 * the answer to "minutes or a night?" for someone about to rerun it.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { formatInteger } from '../../../pipeline/post/format.ts';
import { htmlTable } from '../../../pipeline/post/html.ts';
import { formatDuration } from '../../../pipeline/post/run-summary.ts';
import { moduleFile, type Table, type TableOutput } from '../../../pipeline/post/table.ts';
import { COMPUTED_IDS } from '../measurements/computed.ts';
import { costliestT, sweepCost } from '../measurements/cost.ts';
import { formatT } from '../measurements/runs.ts';

export function renderSweepCost(runs: RunSet, ids: readonly string[] = COMPUTED_IDS): TableOutput {
  const cost = sweepCost(runs, ids);
  const total = cost.reduce((s, c) => s + c.totalSeconds, 0);
  const count = cost.reduce((s, c) => s + c.runs, 0);
  const html = htmlTable({
    className: 'sweep-cost',
    caption:
      `Training wall time of the ${formatInteger(count)} computed runs by training-set size, as each run recorded it ` +
      `(${formatDuration(total)} in all). Runs on one thread trained two at a time, one core each; runs on two threads, one at a time. ` +
      'Times are of the machine that trained them while it did other work too: upper bounds for an idle one.',
    head: ['T', 'Runs', 'Backend, threads', 'Per run (mean)', 'Per run (range)', 'Total'],
    rows: cost.map((c) => [
      formatT(c.T),
      formatInteger(c.runs),
      c.engines.join('; '),
      formatDuration(c.meanSeconds),
      `${formatDuration(c.minSeconds)} – ${formatDuration(c.maxSeconds)}`,
      formatDuration(c.totalSeconds),
    ]),
  });
  return {
    html,
    numbers: {
      'sweep-cost.total': formatDuration(total),
      'sweep-cost.costliestT': costliestT(cost),
    },
  };
}

export const sweepCostTable: Table = {
  id: 'sweep-cost',
  needs: [...COMPUTED_IDS],
  // Its own code and the measurements it calls: not the post's figures.
  code: [moduleFile(import.meta.url)],
  render: (runs) => renderSweepCost(runs),
};
