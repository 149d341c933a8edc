/**
 * `double-descent`: test and training loss against the number of training examples T
 * (log axis), the paper's headline experiment from our own runs. Per T: each data seed's
 * run as a small dot, the mean over seeds joined by a line, the seeds' range as a bar.
 * T = ∞ (a fresh batch every step) is a horizontal dashed line. The paper's values,
 * read off its figure, are a separate reference series with its source.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { swatchLegend } from '../../../pipeline/render/legend.ts';
import { formatInteger, formatLoss, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { COMPUTED_IDS, coverageOfIds } from '../measurements/computed.ts';
import { computedLossCurve, testLossPeak, TRANSITION_FROM_T, type LossCurve } from '../measurements/losses.ts';
import { formatPaperLoss, PAPER_CITATION, PAPER_LARGE_T_LOSS, PAPER_PEAK, PAPER_TEST_LOSS, READ_OFF_PRECISION } from '../measurements/paper.ts';
import { MEMORIZED_LOSS } from '../measurements/dimensionality-curve.ts';
import { FAILURE_DATA_SEEDS, STREAM_BATCH, SWEEP_DATA_SEEDS, SWEEP_T } from '../experiments/sweep.ts';
import { TEST_EXAMPLES } from '../../../pipeline/data/datasets.ts';
import { formatT, tRangeText } from '../measurements/runs.ts';
import { compactT, INFINITY_DASH, INFINITY_LABEL_MARGIN, infinityMarks, seriesColors, sweepProvenanceLine, sweepSeriesMarks, tAxis, T_DOMAIN, tScale } from './sweep-common.ts';

const WIDTH = 720;

/**
 * The three loss panels: the test loss over its whole range (log), the same near 1 where
 * the paper's curve lives (linear, clipped), and the training loss.
 */
type Panel = 'test' | 'test-near-1' | 'train';

/** The near-1 panel's range: the paper's read-off values (0.9988 to 1.022) with room around them. */
export const NEAR_ONE: readonly [number, number] = [0.995, 1.03];

/** Log scale from just below the smallest value to just above the largest. */
function testLossScale(values: number[]): Plot.ScaleOptions {
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return { type: 'log', domain: [low / 1.02, high * 1.05], label: 'test loss (log scale)', labelAnchor: 'center', labelArrow: 'none', grid: true };
}

/** Linear scale from 0 to the largest value plus 8% of it. */
function trainLossScale(values: number[]): Plot.ScaleOptions {
  const high = Math.max(...values);
  return { domain: [0, high + (high * 0.08 || 0.01)], label: 'training loss', labelAnchor: 'center', labelArrow: 'none', grid: true };
}

const nearOneScale: Plot.ScaleOptions = { domain: [...NEAR_ONE], label: 'test loss near 1', labelAnchor: 'center', labelArrow: 'none', grid: true };

/** Above the near-1 panel's top: an arrow at the top edge with the mean, for each T whose mean is off the panel. */
function offTopMarks(groups: readonly { T: number; values: readonly number[] }[], color: string): Plot.Markish[] {
  const off = groups.map((g) => ({ T: g.T, mean: g.values.reduce((a, x) => a + x, 0) / g.values.length })).filter((p) => p.mean > NEAR_ONE[1]);
  return [Plot.text(off, { x: 'T', y: () => NEAR_ONE[1], text: (p) => `↑ ${formatLoss(p.mean, 3)}`, dy: 8, fill: color, fontSize: fontSize.tick - 1 })];
}

function lossPanel(curve: LossCurve, panel: Panel, height: number): PlotOptions {
  const which = panel === 'train' ? 'train' : 'test';
  const color = which === 'test' ? seriesColors.test : seriesColors.train;
  const groups = curve.finite.map((p) => ({ T: p.T, values: p.runs.map((r) => (which === 'test' ? r.testLoss : r.trainLoss)) }));
  const paper = which === 'test' ? PAPER_TEST_LOSS : [];
  const inf = curve.infinity?.[which];
  const values = [...groups.flatMap((g) => g.values), ...paper.map((p) => p.loss), ...(inf ? [inf.min, inf.max] : []), 1];
  return {
    width: WIDTH,
    height,
    marginTop: 10,
    marginRight: INFINITY_LABEL_MARGIN,
    marginBottom: 40,
    marginLeft: 56,
    x: tScale(),
    // The test loss spans values just above 1 (where the paper's curve lives) and, past the
    // memorizing regime, hundreds: a log axis shows the whole range, and a second, linear
    // panel clipped near 1 keeps the thousandths the comparison with the paper is about.
    // Training loss stays in [0, 1].
    y: panel === 'test' ? testLossScale(values) : panel === 'train' ? trainLossScale(values) : nearOneScale,
    clip: panel === 'test-near-1',
    marks: [
      // Loss 1 is what a model that outputs zeros scores on unit-norm data. The label sits
      // above the line where 1 is near the panel's bottom, below it where 1 is the top.
      Plot.ruleY([1], { stroke: colors.muted, strokeWidth: 1 }),
      Plot.text([{ T: T_DOMAIN[0], y: 1 }], { x: 'T', y: 'y', text: () => 'all-zero output', textAnchor: 'start', dx: 3, dy: panel === 'train' ? 7 : -7, fill: colors.muted, fontSize: fontSize.tick - 1 }),
      ...(inf ? infinityMarks(inf.mean, inf.min, inf.max) : []),
      ...(paper.length > 0
        ? [
            Plot.line(paper, { x: 'T', y: 'loss', stroke: seriesColors.paper, strokeWidth: 1.2, strokeDasharray: '2,3' }),
            Plot.dot(paper, { x: 'T', y: 'loss', r: 4, stroke: seriesColors.paper, strokeWidth: 1.5, fill: 'white' }),
          ]
        : []),
      ...sweepSeriesMarks(groups, color),
      ...(panel === 'test-near-1' ? offTopMarks(groups, color) : []),
      ...tAxis(),
    ],
  };
}

/** The figure over the runs with these ids (by default the computed ones; tests pass the full sweep). */
export function doubleDescentFigure(ids: readonly string[] = COMPUTED_IDS): Figure {
  return {
    id: 'double-descent',
    needs: [...ids],
    caption:
      'Test loss (top: log scale; middle: the same, linear and cut off at ' + `${NEAR_ONE[0]} and ${NEAR_ONE[1]}` + ', with arrows giving the means above) and training loss (bottom) against the number of training examples $T$ (log axis): ' +
      '$\\operatorname{sparse}(10{,}000, 0.999)$, $m = 2$, with bias, 50,000 AdamW steps (peak learning rate $10^{-3}$, ' +
      'warmup and cosine decay, weight decay $10^{-2}$), one run per dataset seed with the initialisation held fixed. ' +
      'Large dots: the mean over dataset seeds; small dots: single runs; bars: their range. The dashed line is $T = \\infty$ ' +
      '(a fresh batch of 1,024 examples every step) with its range shaded, where computed. Open red circles: the paper\u2019s ' +
      `test loss read off its figure by eye (${PAPER_CITATION}; good to about ±${READ_OFF_PRECISION}), a reference series, ` +
      'not our data. The grey line at 1 is the loss of a model that outputs zeros. The test loss is measured on 10,000 fresh ' +
      'examples.' +
      (coverageOfIds(ids).complete ? '' : ' Only the part of the sweep computed so far is drawn; the provenance line lists it.'),
    render(runs: RunSet): FigureOutput {
      const used = selectRuns(runs, ids);
      const curve = computedLossCurve(runs, ids);
      const legend = swatchLegend(
        WIDTH,
        [
          { label: 'test loss (ours)', color: seriesColors.test },
          { label: 'training loss (ours)', color: seriesColors.train },
          { label: `paper (read off)`, color: seriesColors.paper, kind: 'ring' },
          { label: 'T = ∞', color: seriesColors.infinity, kind: 'line', dash: INFINITY_DASH },
        ],
        4,
      );
      const svg = renderGrid(
        {
          rows: [[{ plot: legend }], [{ plot: lossPanel(curve, 'test', 260) }], [{ plot: lossPanel(curve, 'test-near-1', 230) }], [{ plot: lossPanel(curve, 'train', 200) }]],
          gap: { x: 0, y: 4 },
        },
        {
          id: 'double-descent',
          title: 'Test and training loss against the number of training examples T',
          desc:
            `Three panels sharing a log T axis: test loss (log scale), test loss near 1 (linear, clipped at ${NEAR_ONE[0]}–${NEAR_ONE[1]}), training loss. Our runs cover ${tRangeText([...curve.finite.map((p) => p.T), ...(curve.infinity ? ['inf' as const] : [])])}. ` +
            `Mean test loss per T: ${curve.finite.map((p) => `T = ${formatT(p.T)}: ${formatLoss(p.test.mean, 4)} (${p.runs.length} seed${p.runs.length === 1 ? '' : 's'})`).join('; ')}. ` +
            (curve.infinity ? `T = ∞: ${formatLoss(curve.infinity.test.mean, 4)}. ` : 'T = ∞ not computed yet. ') +
            `Paper's values (read off): ${PAPER_TEST_LOSS.map((p) => `T = ${compactT(p.T)}: ${p.loss}`).join('; ')}. ` +
            `Mean training loss per T: ${curve.finite.map((p) => `T = ${formatT(p.T)}: ${formatLoss(p.train.mean)}`).join('; ')}.`,
        },
      );
      const peak = testLossPeak(curve);
      const transitionPeak = testLossPeak(curve, TRANSITION_FROM_T);
      const coverage = coverageOfIds(ids);
      const seedsPerT = [...new Set(curve.finite.map((p) => p.runs.length))].sort((a, b) => a - b);
      const lastT = curve.finite[curve.finite.length - 1]?.T;
      // The settings the prose quotes come from the runs' configs, so the text cannot drift from them.
      const configs = used.map((run) => run.meta.config);
      const setting = (read: (c: (typeof configs)[number]) => number | undefined, format: (x: number) => string = String) =>
        [...new Set(configs.map(read).filter((x): x is number => x !== undefined))].map(format).join(', ');
      const versusPaper = PAPER_TEST_LOSS.flatMap((paper) => {
        const ours = curve.finite.find((p) => p.T === paper.T);
        if (!ours) return [];
        const diff = ours.test.mean - paper.loss;
        const gap = Math.abs(diff) < READ_OFF_PRECISION ? 'within reading precision' : `${diff > 0 ? 'ours higher by' : 'ours lower by'} ${formatLoss(Math.abs(diff), 2)}`;
        return [`T = ${formatT(paper.T)}: ours ${formatLoss(ours.test.mean, 4)}, paper ${formatPaperLoss(paper.loss)} (${gap})`];
      });
      const numbers: Record<string, string> = {
        'double-descent.runs': formatInteger(coverage.runs),
        'double-descent.sweepRuns': formatInteger(coverage.of),
        'double-descent.coverage': tRangeText([...curve.finite.map((p) => p.T), ...(curve.infinity ? ['inf' as const] : [])]),
        'double-descent.seedsPerT': seedsPerT.map(String).join('–'),
        'double-descent.n': setting((c) => c.data.n, formatInteger),
        'double-descent.density': setting((c) => (c.data.family === 'identity' ? undefined : Number((1 - c.data.S).toPrecision(6)))),
        'double-descent.steps': setting((c) => c.steps, formatInteger),
        'double-descent.peakLr': setting((c) => (c.schedule.kind === 'warmup-cosine' ? c.schedule.peakLr : c.schedule.lr)),
        'double-descent.warmupSteps': setting((c) => (c.schedule.kind === 'warmup-cosine' ? c.schedule.warmupSteps : 0), formatInteger),
        'double-descent.weightDecay': setting((c) => c.weightDecay),
        'double-descent.batch': formatInteger(STREAM_BATCH),
        // The sweep's design, from its definition (experiments/sweep.ts), not from the computed runs.
        'double-descent.sweepT': SWEEP_T.map(formatInteger).join(', '),
        'double-descent.sweepSeeds': formatInteger(SWEEP_DATA_SEEDS.length),
        'double-descent.failureSeeds': formatInteger(FAILURE_DATA_SEEDS.length),
        'double-descent.testExamples': formatInteger(TEST_EXAMPLES),
        'double-descent.peak': peak ? `${formatLoss(peak.test.mean, 4)} at T = ${formatT(peak.T)}${peak.T === lastT ? ' (the largest T computed)' : ''}` : 'not computed yet',
        'double-descent.transitionPeak': transitionPeak
          ? `${formatLoss(transitionPeak.test.mean, 4)} at T = ${formatT(transitionPeak.T)}${transitionPeak.T === lastT ? ' (the largest T computed, so not yet a peak)' : ''}`
          : `none yet (no run with T ≥ ${formatInteger(TRANSITION_FROM_T)} is computed)`,
        'double-descent.infinity': curve.infinity
          ? `test loss ${formatLoss(curve.infinity.test.mean, 4)} (mean of ${curve.infinity.runs.length} data seed${curve.infinity.runs.length === 1 ? '' : 's'})`
          : 'not computed yet',
        'double-descent.paperPeak': `${formatPaperLoss(PAPER_PEAK.loss)} near T = ${formatInteger(PAPER_PEAK.T)}`,
        'double-descent.paperLargeT': formatPaperLoss(PAPER_LARGE_T_LOSS),
        'double-descent.versusPaper': versusPaper.join('; ') || 'no T in common yet',
        'double-descent.memorizedT': curve.finite.filter((p) => p.train.max < MEMORIZED_LOSS).map((p) => formatT(p.T)).join(', ') || 'none',
        'double-descent.memorizedLoss': String(MEMORIZED_LOSS),
      };
      for (const p of curve.finite) {
        numbers[`double-descent.testT${p.T}`] = formatLoss(p.test.mean, 4);
        numbers[`double-descent.trainT${p.T}`] = formatLoss(p.train.mean);
        // The mean can sit on the other side of 1 from most seeds, so the prose can say how many end below it.
        numbers[`double-descent.belowOneT${p.T}`] = `${formatInteger(p.runs.filter((r) => r.testLoss < 1).length)} of ${formatInteger(p.runs.length)}`;
      }
      for (const p of PAPER_TEST_LOSS) numbers[`double-descent.paperT${p.T}`] = formatPaperLoss(p.loss);
      return { svg, provenance: sweepProvenanceLine(used), numbers };
    },

  };
}

export default doubleDescentFigure();
