/**
 * `test-loss`: the test loss per T under both loss conventions, with its errors apart:
 * the spread over data seeds and the test-set standard error, the median test example
 * and the share of the mean carried by the worst 1 % of test examples, and how many fresh
 * examples it took (measurements/test-loss.ts). Units of the empty model in both.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { formatInteger, formatLoss, formatRatio, formatWithError } from '../../../pipeline/post/format.ts';
import { htmlTable } from '../../../pipeline/post/html.ts';
import { moduleFile, type Table, type TableOutput } from '../../../pipeline/post/table.ts';
import { COMPUTED_IDS, PAPER_CONVENTION_IDS } from '../measurements/computed.ts';
import { PAPER_TEST_LOSS, formatPaperLoss } from '../measurements/paper.ts';
import { conventionCurve, quotedError, type ConventionPoint } from '../measurements/paper-convention.ts';
import { formatT } from '../measurements/runs.ts';
import { MAX_EXAMPLES, TARGET_RELATIVE_ERROR } from '../measurements/test-loss.ts';

const percent = (x: number) => `${formatRatio(100 * x, 0)} %`;

function cells(point: ConventionPoint | undefined): string[] {
  if (!point) return ['not computed yet', '', '', ''];
  const k = point.seeds.length;
  const median = point.seeds.reduce((s, e) => s + e.median, 0) / k;
  const top = point.seeds.reduce((s, e) => s + e.topPercentShare, 0) / k;
  const examples = point.seeds.map((e) => e.examples);
  const imprecise = point.seeds.filter((e) => !e.precise).length;
  return [
    formatWithError(point.mean, quotedError(point)),
    `${formatLoss(point.testSetError, 2)}${imprecise > 0 ? ` (${imprecise} of ${k} above ${formatInteger(100 * TARGET_RELATIVE_ERROR)} %)` : ''}`,
    `${formatLoss(median, 4)} · ${percent(top)}`,
    Math.min(...examples) === Math.max(...examples) ? formatInteger(examples[0]) : `${formatInteger(Math.min(...examples))}–${formatInteger(Math.max(...examples))}`,
  ];
}

export function renderTestLoss(runs: RunSet, meanIds: readonly string[] = PAPER_CONVENTION_IDS, sumIds: readonly string[] = COMPUTED_IDS): TableOutput {
  const mean = conventionCurve(runs, meanIds);
  const sum = conventionCurve(runs, sumIds);
  const html = htmlTable({
    className: 'test-loss',
    caption:
      'Test loss per training-set size T under both loss conventions, in units of the empty model (which scores 1). ' +
      'Mean over data seeds ± its standard error over seeds; the largest test-set standard error of a single run (fresh examples ' +
      `are added 10,000 at a time until it is at most ${formatInteger(100 * TARGET_RELATIVE_ERROR)} % of the mean, or ${formatInteger(MAX_EXAMPLES)} are used); ` +
      'the median test example\u2019s loss and the share of the mean carried by the worst 1 % of test examples; the fresh examples used per run. ' +
      'The last column is the paper\u2019s value read off its figure.',
    head: ['T', 'Mean over outputs: test loss', 'Test-set error', 'Median · top 1 %', 'Examples', 'Sum over outputs: test loss', 'Test-set error', 'Median · top 1 %', 'Examples', 'Paper'],
    rows: sum.map((s) => {
      const m = mean.find((p) => p.T === s.T);
      const paper = PAPER_TEST_LOSS.find((p) => p.T === s.T);
      return [formatT(s.T), ...cells(m), ...cells(s), paper ? formatPaperLoss(paper.loss) : ''];
    }),
  });
  const numbers: Record<string, string> = {};
  for (const [name, curve] of [['mean', mean], ['sum', sum]] as const) {
    for (const p of curve) {
      const k = p.seeds.length;
      numbers[`test-loss.${name}T${p.T}`] = formatWithError(p.mean, quotedError(p));
      numbers[`test-loss.${name}MedianT${p.T}`] = formatLoss(p.seeds.reduce((s, e) => s + e.median, 0) / k, 4);
      numbers[`test-loss.${name}TopShareT${p.T}`] = percent(p.seeds.reduce((s, e) => s + e.topPercentShare, 0) / k);
      numbers[`test-loss.${name}TestSetErrorT${p.T}`] = formatLoss(p.testSetError, 2);
    }
  }
  return { html, numbers };
}

export const testLossTable: Table = {
  id: 'test-loss',
  needs: [...PAPER_CONVENTION_IDS, ...COMPUTED_IDS],
  // Its own code and the measurements it calls: not the post's figures.
  code: [moduleFile(import.meta.url)],
  render: (runs) => renderTestLoss(runs),
};
