/**
 * `geometry-conventions`: sections 4–6's geometry under both loss conventions, at every T
 * computed under the paper's (the mean over outputs). Per T and convention, means over data
 * seeds ± their standard error: the examples' dimensionality against the T-gon's 2/T, the
 * features' dimensionality, the share of hidden vectors on one ring (the regime panels'
 * number) and ‖W‖. Whether the paper's convention changes the pictures is read here.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { htmlTable } from '../../../pipeline/post/html.ts';
import { moduleFile, type Table, type TableOutput } from '../../../pipeline/post/table.ts';
import { COMPUTED_IDS, PAPER_CONVENTION_IDS } from '../measurements/computed.ts';
import { tgonDimensionality } from '../measurements/dimensionality-curve.ts';
import { RING_TOLERANCE, ringShare } from '../measurements/ring.ts';
import { byT, formatSeedMean, formatT, hiddenOf, measureRuns, spread, type RunMeasures } from '../measurements/runs.ts';
import type { SweepT } from '../experiments/sweep.ts';

interface GeometryAtT {
  T: SweepT;
  runs: number;
  /** Example dimensionality ÷ 2/T (finite T only). */
  exampleRatio: number[] | null;
  features: number[];
  ring: number[];
  normW: number[];
}

function geometry(T: SweepT, group: readonly RunMeasures[]): GeometryAtT {
  return {
    T,
    runs: group.length,
    exampleRatio: T === 'inf' ? null : group.map((m) => m.exampleDimensionality / tgonDimensionality(T)),
    features: group.map((m) => m.featureDimensionality),
    ring: group.map((m) => ringShare(hiddenOf(m.run)).share),
    normW: group.map((m) => m.normW),
  };
}

/** A measure over seeds (scaled, e.g. to %), as formatSeedMean prints it. */
const seedMean = (values: readonly number[] | null, scale = 1) => (values ? formatSeedMean(spread(values), scale) : '–');

export function renderGeometryConventions(runs: RunSet, sumIds: readonly string[] = COMPUTED_IDS, meanIds: readonly string[] = PAPER_CONVENTION_IDS): TableOutput {
  const perT = (ids: readonly string[]) => byT(measureRuns(runs, ids), (group) => group).map(({ T, value }) => geometry(T, value));
  const sum = perT(sumIds);
  const mean = perT(meanIds);
  const rows = mean.flatMap((m) => {
    const s = sum.find((x) => x.T === m.T);
    return s ? [{ label: 'sum', g: s }, { label: 'mean (paper)', g: m }] : [];
  });
  const html = htmlTable({
    className: 'geometry-conventions',
    caption:
      'The geometry of sections 4–6 under both loss conventions, at every T computed under the paper\u2019s. Means over data seeds ± their ' +
      'standard error over seeds: the examples\u2019 mean dimensionality divided by the even T-gon\u2019s 2/T, the features\u2019 mean dimensionality, ' +
      `the share of hidden vectors within ${100 * RING_TOLERANCE} % of the median length (in %), and ‖W‖.`,
    head: ['T', 'Convention', 'Runs', 'Examples: D ÷ 2/T', 'Features: D', 'On one ring', '‖W‖'],
    rows: rows.map(({ label, g }) => [formatT(g.T), label, String(g.runs), seedMean(g.exampleRatio), seedMean(g.features), seedMean(g.ring, 100), seedMean(g.normW)]),
  });
  const numbers: Record<string, string> = {};
  for (const { label, g } of rows) {
    const c = label === 'sum' ? 'sum' : 'mean';
    if (g.exampleRatio) numbers[`geometry-conventions.${c}ExampleRatioT${g.T}`] = seedMean(g.exampleRatio);
    numbers[`geometry-conventions.${c}RingT${g.T}`] = formatSeedMean(spread(g.ring), 100, ' %');
    numbers[`geometry-conventions.${c}NormWT${g.T}`] = seedMean(g.normW);
  }
  return { html, numbers };
}

export const geometryConventionsTable: Table = {
  id: 'geometry-conventions',
  needs: [...COMPUTED_IDS, ...PAPER_CONVENTION_IDS],
  code: [moduleFile(import.meta.url)],
  render: (runs) => renderGeometryConventions(runs),
};
