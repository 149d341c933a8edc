/**
 * `loss-sources`: where the test loss of the larger training sets comes from. Per T (from
 * TRANSITION_FROM_T, and ∞): how many outputs whose target is 0 fire on a test example,
 * their share of the test loss, and how long the model made the vectors of features its
 * training set uses 0, 1, 2 or 3+ times. The numbers section 8 of the post quotes.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { formatInteger, formatLoss, formatRatio } from '../../../pipeline/post/format.ts';
import { htmlTable } from '../../../pipeline/post/html.ts';
import { moduleFile, type Table, type TableOutput } from '../../../pipeline/post/table.ts';
import { COMPUTED_IDS } from '../measurements/computed.ts';
import { TRANSITION_FROM_T } from '../measurements/losses.ts';
import { lossSourcesByT, USE_GROUPS, type LossSourcesAtT } from '../measurements/loss-sources.ts';
import { formatT } from '../measurements/runs.ts';
import type { Spread } from '../measurements/runs.ts';

const useLabel = (g: number) => (g === USE_GROUPS - 1 ? `${g}+` : String(g));
/** '0 / 1 / 2 / 3+': the use groups, as the caption and the header name them. */
const useGroups = Array.from({ length: USE_GROUPS }, (_, g) => useLabel(g)).join(' / ');
const percent = (x: number) => `${formatRatio(100 * x, 1)} %`;
const norm = (s: Spread | null) => (s ? formatRatio(s.mean) : '–');
/** Number keys name T as the post writes it in an id: 2000, inf. */
const key = (name: string, row: LossSourcesAtT) => `loss-sources.${name}T${row.T}`;

export function renderLossSources(runs: RunSet, ids: readonly string[] = COMPUTED_IDS): TableOutput {
  const rows = lossSourcesByT(runs, ids, TRANSITION_FROM_T);
  const html = htmlTable({
    className: 'loss-sources',
    caption:
      `Where the test loss comes from, for T ≥ ${formatInteger(TRANSITION_FROM_T)} and T = ∞ (means over data seeds; ` +
      'the test loss recomputed from each run\u2019s W and b on its 10,000 test examples). "Silent outputs firing": outputs ' +
      'whose target is 0 but whose ReLU input W_j · h + b_j is positive, per test example, out of 10,000, and their share ' +
      'of the test loss. Then the features that at least one training example uses (a stream uses every feature), and the mean ' +
      `length ‖W_j‖ of the features that ${useGroups} training examples use.`,
    head: ['T', 'Runs', 'Test loss', 'Silent outputs firing', 'Their share', 'Features used', `Mean ‖W_j‖, used ${useGroups} times`],
    rows: rows.map((row) => [
      formatT(row.T),
      formatInteger(row.runs),
      formatLoss(row.testLoss.mean, 4),
      formatInteger(row.silentFiringPerExample.mean),
      percent(row.silentFiringShare.mean),
      row.featuresUsed ? formatInteger(row.featuresUsed.mean) : 'all',
      row.meanNormByUse ? row.meanNormByUse.map(norm).join(' / ') : '–',
    ]),
  });
  const numbers: Record<string, string> = {};
  for (const row of rows) {
    numbers[key('silentPerExample', row)] = formatInteger(row.silentFiringPerExample.mean);
    numbers[key('silentShare', row)] = percent(row.silentFiringShare.mean);
    if (row.featuresUsed) numbers[key('featuresUsed', row)] = formatInteger(row.featuresUsed.mean);
    row.meanNormByUse?.forEach((s, g) => {
      if (s) numbers[key(`normUsed${g}`, row)] = formatRatio(s.mean);
    });
  }
  return { html, numbers };
}

export const lossSourcesTable: Table = {
  id: 'loss-sources',
  needs: [...COMPUTED_IDS],
  // Its own code and the measurements it calls: not the post's figures.
  code: [moduleFile(import.meta.url)],
  render: (runs) => renderLossSources(runs),
};
