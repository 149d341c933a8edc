/**
 * `loss-sources`: where the test loss of the larger training sets comes from, under both
 * loss conventions. Per T (from TRANSITION_FROM_T, and ∞): how many outputs whose target
 * is 0 fire on a test example, their share of the test loss, and how long the model made
 * the vectors of features its training set uses 0, 1, 2 or 3+ times. The numbers sections
 * 8 and 9 of the post quote.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { formatInteger, formatRatio } from '../../../pipeline/post/format.ts';
import { htmlTable } from '../../../pipeline/post/html.ts';
import { moduleFile, type Table, type TableOutput } from '../../../pipeline/post/table.ts';
import { COMPUTED_IDS, PAPER_CONVENTION_IDS } from '../measurements/computed.ts';
import { TRANSITION_FROM_T } from '../measurements/losses.ts';
import { lossSourcesByT, USE_GROUPS, type LossSourcesAtT } from '../measurements/loss-sources.ts';
import { formatSeedMean, formatT } from '../measurements/runs.ts';
import type { Spread } from '../measurements/runs.ts';

const useLabel = (g: number) => (g === USE_GROUPS - 1 ? `${g}+` : String(g));
/** '0 / 1 / 2 / 3+': the use groups, as the caption and the header name them. */
const useGroups = Array.from({ length: USE_GROUPS }, (_, g) => useLabel(g)).join(' / ');
const norm = (s: Spread | null) => (s ? formatRatio(s.mean) : '–');

const seedMean = (s: Spread) => formatSeedMean(s);
const percent = (s: Spread) => formatSeedMean(s, 100, ' %');

/** The two conventions the table sets side by side, and the prefix of their number keys. */
const CONVENTIONS = [
  { label: 'sum', prefix: '' },
  { label: 'mean (paper)', prefix: 'paper' },
] as const;

/** Number keys name T as the post writes it in an id (2000, inf); the paper convention's carry the prefix "paper". */
const key = (prefix: string, name: string, row: LossSourcesAtT) =>
  `loss-sources.${prefix ? prefix + name[0].toUpperCase() + name.slice(1) : name}T${row.T}`;

export function renderLossSources(runs: RunSet, sumIds: readonly string[] = COMPUTED_IDS, meanIds: readonly string[] = PAPER_CONVENTION_IDS): TableOutput {
  const byConvention = [lossSourcesByT(runs, sumIds, TRANSITION_FROM_T), lossSourcesByT(runs, meanIds, TRANSITION_FROM_T)];
  const Ts = byConvention[0].map((row) => row.T);
  const rows = Ts.flatMap((T) =>
    CONVENTIONS.flatMap((convention, c) => {
      const row = byConvention[c].find((r) => r.T === T);
      return row ? [{ convention, row }] : [];
    }),
  );
  const html = htmlTable({
    className: 'loss-sources',
    caption:
      `The mechanism behind the test loss, for T ≥ ${formatInteger(TRANSITION_FROM_T)} and T = ∞, under both loss conventions ` +
      '(the paper’s, the mean over outputs, where its runs are computed). Means over data seeds ± their standard error over seeds, ' +
      'recomputed from each run’s W and b on its 10,000 test examples. "Silent outputs firing": outputs ' +
      'whose target is 0 but whose ReLU input W_j · h + b_j is positive, per test example, out of 10,000, and their share ' +
      'of the test loss. Then the features that at least one training example uses (a stream uses every feature), and the mean ' +
      `length ‖W_j‖ of the features that ${useGroups} training examples use.`,
    head: ['T', 'Convention', 'Runs', 'Silent outputs firing', 'Their share', 'Features used', `Mean ‖W_j‖, used ${useGroups} times`],
    rows: rows.map(({ convention, row }) => [
      formatT(row.T),
      convention.label,
      formatInteger(row.runs),
      seedMean(row.silentFiringPerExample),
      percent(row.silentFiringShare),
      row.featuresUsed ? formatInteger(row.featuresUsed.mean) : 'all',
      row.meanNormByUse ? row.meanNormByUse.map(norm).join(' / ') : '–',
    ]),
  });
  const numbers: Record<string, string> = {};
  for (const { convention, row } of rows) {
    const p = convention.prefix;
    numbers[key(p, 'silentPerExample', row)] = seedMean(row.silentFiringPerExample);
    numbers[key(p, 'silentShare', row)] = percent(row.silentFiringShare);
    if (row.featuresUsed) numbers[key(p, 'featuresUsed', row)] = formatInteger(row.featuresUsed.mean);
    row.meanNormByUse?.forEach((s, g) => {
      if (s) numbers[key(p, `normUsed${g}`, row)] = seedMean(s);
    });
  }
  return { html, numbers };
}

export const lossSourcesTable: Table = {
  id: 'loss-sources',
  needs: [...COMPUTED_IDS, ...PAPER_CONVENTION_IDS],
  // Its own code and the measurements it calls: not the post's figures.
  code: [moduleFile(import.meta.url)],
  render: (runs) => renderLossSources(runs),
};
