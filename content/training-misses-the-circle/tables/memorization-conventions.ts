/**
 * `memorization-conventions`: section 1's seven memorization runs again under the
 * double-descent paper's loss convention (the squared error averaged over the n outputs as
 * well as the examples, as in the Toy Models code), beside the runs the figure draws
 * (summed over outputs). Per T: the regularity of the training examples' hidden vectors and
 * the verdict, so the reader sees whether the convention changes what the figure shows.
 */
import { moduleFile, type Table, type TableOutput } from '../../../pipeline/post/table.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { hiddenVectors, trainingExamples } from '../../../pipeline/data/datasets.ts';
import { isEvenlySpaced, regularity, rowVectors, type RegularityScore } from '../../../pipeline/analysis/geometry.ts';
import { htmlTable } from '../../../pipeline/post/html.ts';
import { formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { MEMO_IDS, MEMO_MEAN_IDS, MEMO_T } from '../measurements/memorization.ts';

interface Scored {
  score: RegularityScore;
  even: boolean;
}

function scored(run: LoadedRun): Scored {
  const config = run.meta.config;
  const score = regularity(rowVectors(hiddenVectors(run.W, config.m, trainingExamples(config))));
  return { score, even: isEvenlySpaced(score) };
}

const verdict = (s: Scored) => (s.even ? 'even' : s.score.dead.length > 0 ? `uneven, ${s.score.dead.length} dead` : 'uneven');
const cells = (s: Scored) => [`${formatRatio(s.score.normRatio)} · ${formatRatio(s.score.gapRatio)}`, verdict(s)];

export function renderMemorizationConventions(runs: RunSet): TableOutput {
  const sum = selectRuns(runs, MEMO_IDS).map(scored);
  const mean = selectRuns(runs, MEMO_MEAN_IDS).map(scored);
  const changed = MEMO_T.filter((_, k) => sum[k].even !== mean[k].even);
  const html = htmlTable({
    className: 'memorization-conventions',
    caption:
      'The runs of the memorization figure under both loss conventions: the squared error summed over the outputs (the figure) and ' +
      'averaged over them as well (the double-descent paper\u2019s convention); same data, initialisation and schedule. ' +
      'Regularity of the training examples\u2019 hidden vectors, (smallest / largest norm) · (largest angular gap / 2π/T), and the verdict.',
    head: ['T', 'Summed: regularity', 'Verdict', 'Averaged: regularity', 'Verdict'],
    rows: MEMO_T.map((T, k) => [String(T), ...cells(sum[k]), ...cells(mean[k])]),
  });
  return {
    html,
    numbers: {
      'memorization-conventions.evenSum': String(sum.filter((s) => s.even).length),
      'memorization-conventions.evenMean': String(mean.filter((s) => s.even).length),
      'memorization-conventions.panels': String(MEMO_T.length),
      'memorization-conventions.changed': changed.length === 0 ? 'no T' : `T = ${changed.join(', ')}`,
    },
  };
}

export const memorizationConventionsTable: Table = {
  id: 'memorization-conventions',
  needs: [...MEMO_IDS, ...MEMO_MEAN_IDS],
  code: [moduleFile(import.meta.url)],
  render: renderMemorizationConventions,
};
