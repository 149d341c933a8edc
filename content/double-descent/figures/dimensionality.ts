/**
 * `dimensionality`: how many dimensions each training example and each feature gets, as T
 * grows (log-log). While the model memorizes, the T hidden vectors share the plane
 * equally, 2/T each (dashed reference); once it generalizes, the features take the
 * plane over and the examples' share collapses.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { swatchLegend } from '../../../pipeline/render/legend.ts';
import { formatLoss, formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { COMPUTED_IDS } from '../measurements/computed.ts';
import { computedDimensionalityCurve, MEMORIZED_LOSS, tgonDimensionality, type DimensionalityPoint } from '../measurements/dimensionality-curve.ts';
import { SPARSE_OUTCOME_LABELS } from '../measurements/outcomes.ts';
import { formatT, tRangeText } from '../measurements/runs.ts';
import { decades, INFINITY_DASH, INFINITY_LABEL_MARGIN, infinityMarks, logAxis, logTickLabel, seriesColors, sweepProvenanceLine, sweepSeriesMarks, tAxis, T_DOMAIN, tScale } from './sweep-common.ts';

const WIDTH = 720;

/** Three significant digits, or two in scientific notation below 10⁻³ (the series' compact number format). */
const formatDimensionality = (x: number): string => formatLoss(x);

function panel(points: DimensionalityPoint[]): PlotOptions {
  const finite = points.filter((p): p is DimensionalityPoint & { T: number } => p.T !== 'inf');
  const inf = points.find((p) => p.T === 'inf');
  const groups = (which: 'examples' | 'features') =>
    finite.map((p) => ({ T: p.T, values: p.runs.map((r) => (which === 'examples' ? r.exampleDimensionality : r.featureDimensionality)) }));
  const reference = Array.from({ length: 41 }, (_, k) => {
    const T = T_DOMAIN[0] * (T_DOMAIN[1] / T_DOMAIN[0]) ** (k / 40);
    return { T, d: tgonDimensionality(T) };
  });
  const values = [...finite.flatMap((p) => [p.examples.min, p.features.min, p.examples.max, p.features.max]), ...(inf ? [inf.examples.min, inf.features.min] : []), 1]
    .filter((x) => x > 0);
  const floor = Math.max(1e-6, Math.min(tgonDimensionality(T_DOMAIN[1]), ...values) / 2);
  return {
    width: WIDTH,
    height: 340,
    marginTop: 10,
    marginRight: INFINITY_LABEL_MARGIN,
    marginBottom: 40,
    marginLeft: 64,
    x: tScale(),
    y: { type: 'log', domain: [floor, 1.5], axis: null },
    marks: [
      ...logAxis('y', decades(floor, 1).filter((t) => t >= floor), logTickLabel, 'dimensionality (log scale)'),
      ...tAxis(),
      Plot.line(reference, { x: 'T', y: 'd', stroke: colors.muted, strokeWidth: 1.2, strokeDasharray: '4,3' }),
      // Below the line at large T, where no curve runs (at small T the examples' curve lies on it).
      Plot.text([reference[34]], { x: 'T', y: 'd', text: () => '2/T (regular T-gon)', textAnchor: 'end', dx: -4, dy: 10, fill: colors.muted, fontSize: fontSize.tick }),
      ...(inf ? infinityMarks(inf.examples.mean, inf.examples.min, inf.examples.max, seriesColors.examples) : []),
      ...(inf ? infinityMarks(inf.features.mean, inf.features.min, inf.features.max, seriesColors.features) : []),
      ...sweepSeriesMarks(groups('features'), seriesColors.features),
      ...sweepSeriesMarks(groups('examples'), seriesColors.examples),
    ],
  };
}

/** The figure over the runs with these ids (by default the computed ones; tests pass the full sweep). */
export function dimensionalityFigure(ids: readonly string[] = COMPUTED_IDS): Figure {
  return {
    id: 'dimensionality',
    needs: [...ids],
    caption:
      'How much of the two-dimensional hidden space each training example and each feature gets, against $T$ (both axes ' +
      'logarithmic). The dimensionality of vector $v_i$ among $v_1 \\ldots v_k$ is $D_i = \\lVert v_i \\rVert^2 / \\sum_j (\\hat v_i \\cdot v_j)^2$: ' +
      '1 for a vector orthogonal to all others, $2/k$ for each corner of a regular $k$-gon. Red: the training examples\u2019 hidden ' +
      'vectors $h_t = W x_t$; blue: the feature vectors $W_i$. One number per run, the mean of $D_i$ weighted by ' +
      '$\\lVert v_i \\rVert^2$, so the thousands of near-zero feature vectors do not drown the ones in use (for a regular $k$-gon ' +
      'plus any number of zero vectors it is exactly $2/k$). Large dots: mean over dataset seeds; small dots: single runs. ' +
      'Dashed grey: $2/T$, what the examples get when their hidden vectors form a regular $T$-gon. For $T = \\infty$ (dashed ' +
      'horizontal lines, where computed) the examples are the 10,000 test examples.',
    render(runs: RunSet): FigureOutput {
      const used = selectRuns(runs, ids);
      const points = computedDimensionalityCurve(runs, ids);
      const legend = swatchLegend(
        WIDTH,
        [
          { label: 'training examples (hidden vectors hₜ)', color: seriesColors.examples },
          { label: 'features (Wᵢ)', color: seriesColors.features },
          { label: '2/T', color: colors.muted, kind: 'line', dash: '4,3' },
          { label: 'T = ∞', color: colors.ink, kind: 'line', dash: INFINITY_DASH },
        ],
        3,
      );
      const svg = renderGrid(
        { rows: [[{ plot: legend }], [{ plot: panel(points) }]], gap: { x: 0, y: 4 } },
        {
          id: 'dimensionality',
          title: 'Example and feature dimensionality against the number of training examples T',
          desc:
            `A log-log plot over ${tRangeText(points.map((p) => p.T))}. Mean example dimensionality per T (2/T in brackets): ` +
            points.map((p) => `T = ${formatT(p.T)}: ${formatDimensionality(p.examples.mean)}${p.T === 'inf' ? '' : ` (${formatDimensionality(tgonDimensionality(p.T))})`}`).join('; ') +
            '. Mean feature dimensionality per T: ' +
            points.map((p) => `T = ${formatT(p.T)}: ${formatDimensionality(p.features.mean)}`).join('; ') +
            '.',
        },
      );
      const numbers: Record<string, string> = {};
      for (const p of points) {
        const key = p.T === 'inf' ? 'inf' : `T${p.T}`;
        numbers[`dimensionality.examples${key}`] = formatDimensionality(p.examples.mean);
        numbers[`dimensionality.features${key}`] = formatDimensionality(p.features.mean);
        if (p.T !== 'inf') numbers[`dimensionality.examplesRatio${key}`] = formatRatio(p.examples.mean / tgonDimensionality(p.T));
      }
      // Memorizing runs whose polygon is not evenly spaced: the 2/T rule does not need one.
      const unevenMemorizing = points
        .flatMap((p) => p.runs)
        .filter((m) => m.T !== 'inf' && m.trainLoss < MEMORIZED_LOSS && m.classification !== null && m.classification.outcome !== 'even');
      numbers['dimensionality.unevenMemorizing'] =
        unevenMemorizing.length === 0
          ? 'none so far'
          : unevenMemorizing.map((m) => `T = ${formatT(m.T)}, data seed ${m.dataSeed} (${SPARSE_OUTCOME_LABELS[m.classification!.outcome]}; ratio ${formatRatio(m.exampleDimensionality / tgonDimensionality(m.T as number))})`).join('; ');
      return { svg, provenance: sweepProvenanceLine(used), numbers };
    },

  };
}

export default dimensionalityFigure();
