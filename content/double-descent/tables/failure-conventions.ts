/**
 * `failure-conventions`: section 7's count of runs that miss the even T-gon, under both
 * loss conventions: the sum over outputs (the figure) and the paper's mean over outputs
 * (experiments/paper-convention.ts), the same T, data seeds and initialisation. Per T, the
 * even fraction with its 95 % interval under each, and the other end states under the
 * paper's. Where a T is not computed under the paper's convention yet, the table says so.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { htmlTable } from '../../../pipeline/post/html.ts';
import { moduleFile, type Table, type TableOutput } from '../../../pipeline/post/table.ts';
import { FAILURE_T } from '../experiments/sweep.ts';
import { COMPUTED_IDS, PAPER_CONVENTION_IDS } from '../measurements/computed.ts';
import { computedOutcomeRows, failureRateIds, formatFraction, type OutcomeRow } from '../measurements/failure-rate.ts';
import { SPARSE_OUTCOME_LABELS, SPARSE_OUTCOMES } from '../measurements/outcomes.ts';

/** "several radii: 2, other: 1": the end states other than even, with their counts. */
function others(row: OutcomeRow): string {
  const parts = SPARSE_OUTCOMES.filter((o) => o !== 'even' && row.fractions[o].successes > 0).map((o) => `${SPARSE_OUTCOME_LABELS[o]}: ${row.fractions[o].successes}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function renderFailureConventions(runs: RunSet, sumIds: readonly string[] = COMPUTED_IDS, meanIds: readonly string[] = PAPER_CONVENTION_IDS): TableOutput {
  const sum = computedOutcomeRows(runs, failureRateIds(sumIds));
  const mean = computedOutcomeRows(runs, failureRateIds(meanIds));
  const rows = FAILURE_T.flatMap((T) => {
    const s = sum.find((r) => r.T === T);
    return s ? [{ T, s, m: mean.find((r) => r.T === T) }] : [];
  });
  const html = htmlTable({
    className: 'failure-conventions',
    caption:
      'Runs that end on an evenly spaced T-gon, out of the data seeds computed, with the 95 % Wilson interval, under both loss conventions: ' +
      'summed over outputs (the figure above) and averaged over them (the paper\u2019s); then the other end states under the paper\u2019s convention.',
    head: ['T', 'Summed: even', 'Averaged: even', 'Averaged: other end states'],
    rows: rows.map(({ T, s, m }) => [String(T), formatFraction(s.fractions.even), m ? formatFraction(m.fractions.even) : 'not computed yet', m ? others(m) : '']),
  });
  const numbers: Record<string, string> = {};
  for (const { T, m } of rows) if (m) numbers[`failure-conventions.meanEvenT${T}`] = formatFraction(m.fractions.even);
  const meanRuns = mean.flatMap((r) => r.runs);
  numbers['failure-conventions.meanRuns'] = String(meanRuns.length);
  numbers['failure-conventions.meanEvenRuns'] = String(meanRuns.filter((r) => r.classification!.outcome === 'even').length);
  return { html, numbers };
}

export const failureConventionsTable: Table = {
  id: 'failure-conventions',
  needs: [...failureRateIds(COMPUTED_IDS), ...failureRateIds(PAPER_CONVENTION_IDS)],
  code: [moduleFile(import.meta.url)],
  render: (runs) => renderFailureConventions(runs),
};
