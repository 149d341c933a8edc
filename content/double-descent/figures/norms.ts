/**
 * `norms`: the size of the trained model against T: ‖W‖_F, ‖b‖ and the mean length of
 * the training examples' hidden vectors (the paper reports that they peak near T ≈ 30,
 * where memorizing gets hardest).
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { renderGrid, type Panel, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatLoss, selectRuns } from '../../../pipeline/post/format.ts';
import { colors } from '../../../pipeline/render/theme.ts';
import { COMPUTED_IDS } from '../measurements/computed.ts';
import { byT, formatT, measureRuns, spread, type RunMeasures, tRangeText } from '../measurements/runs.ts';
import { INFINITY_LABEL_MARGIN, infinityMarks, logAxis, logTickLabel, seriesColors, sweepProvenanceLine, sweepSeriesMarks, tAxis, tScale, ySteps } from './sweep-common.ts';

const PANEL_WIDTH = 236;

interface Quantity {
  key: 'normW' | 'normB' | 'meanHiddenNorm';
  heading: string;
  color: string;
}

const QUANTITIES: Quantity[] = [
  { key: 'normW', heading: 'Frobenius norm ‖W‖', color: seriesColors.features },
  { key: 'normB', heading: 'bias length ‖b‖', color: colors.ink },
  { key: 'meanHiddenNorm', heading: 'mean ‖hₜ‖', color: seriesColors.examples },
];

function panel(measures: RunMeasures[], q: Quantity, first: boolean): PlotOptions {
  const groups = byT(measures, (group) => spread(group.map((m) => m[q.key])));
  const finite = groups.filter((g) => g.T !== 'inf').map((g) => ({ T: g.T as number, values: g.runs.map((r) => r[q.key]) }));
  const inf = groups.find((g) => g.T === 'inf');
  const values = [...finite.flatMap((g) => g.values), ...(inf ? [inf.value.min, inf.value.max] : [])].filter((x) => x > 0);
  const low = Math.min(...values);
  const high = Math.max(...values);
  return {
    width: PANEL_WIDTH,
    height: 240,
    marginTop: 10,
    marginRight: INFINITY_LABEL_MARGIN,
    marginBottom: 40,
    marginLeft: first ? 46 : 40,
    x: tScale(),
    y: { type: 'log', domain: [low / 1.5, high * 1.5], axis: null },
    marks: [
      ...logAxis('y', ySteps(low / 1.5, high * 1.5), logTickLabel, null),
      ...tAxis('T (log scale)', [3, 30, 300, 3_000]),
      ...(inf ? infinityMarks(inf.value.mean, inf.value.min, inf.value.max, q.color, 'T = ∞') : []),
      ...sweepSeriesMarks(finite, q.color),
      Plot.frame({ stroke: 'none' }),
    ],
  };
}

/** The figure over the runs with these ids (by default the computed ones; tests pass the full sweep). */
export function normsFigure(ids: readonly string[] = COMPUTED_IDS): Figure {
  return {
    id: 'norms',
    needs: [...ids],
    caption:
      'The size of the trained model against $T$ (log-log): the Frobenius norm of $W$, the length of the bias $b$, and the mean ' +
      'length of the training examples\u2019 hidden vectors $h_t = W x_t$ (for $T = \\infty$, where computed, the 10,000 test ' +
      'examples). Large dots: mean over dataset seeds; small dots: single runs; bars: their range.',
    render(runs: RunSet): FigureOutput {
      const used = selectRuns(runs, ids);
      const measures = measureRuns(runs, ids);
      const panels: Panel[] = QUANTITIES.map((q, k) => ({ heading: [{ text: q.heading, weight: 'bold' }], plot: panel(measures, q, k === 0) }));
      const perT = (q: Quantity) => byT(measures, (group) => spread(group.map((m) => m[q.key])));
      const svg = renderGrid(
        { rows: [panels], gap: { x: 4, y: 4 } },
        {
          id: 'norms',
          title: 'Norms of W, b and the hidden vectors against the number of training examples T',
          desc:
            `Three log-log panels over ${tRangeText(measures.map((m) => m.T))}. ` +
            QUANTITIES.map((q) => `${q.heading}, mean per T: ${perT(q).map((g) => `T = ${formatT(g.T)}: ${formatLoss(g.value.mean)}`).join('; ')}`).join('. ') +
            '.',
        },
      );
      const numbers: Record<string, string> = {};
      for (const q of QUANTITIES) {
        const groups = perT(q).filter((g) => g.T !== 'inf');
        if (groups.length === 0) continue;
        const top = groups.reduce((best, g) => (g.value.mean > best.value.mean ? g : best));
        const edge = top.T === groups[groups.length - 1].T;
        numbers[`norms.${q.key}Peak`] = `${formatLoss(top.value.mean)} at T = ${formatT(top.T)}${edge ? ' (the largest T computed, so not yet a peak)' : ''}`;
      }
      return { svg, provenance: sweepProvenanceLine(used), numbers };
    },

  };
}

export default normsFigure();
