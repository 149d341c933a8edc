/**
 * `paper-convention`: the replication. Test loss against T under the paper's loss
 * convention (the squared error averaged over outputs too), in the paper's units (the
 * empty model scores 1), beside the values read off the paper's figure, and the sum
 * convention of the rest of this post as the contrast.
 * Per T: each data seed as a small dot with its test-set standard error as a whisker, the
 * mean over seeds as a large dot with ±2 standard errors over seeds as a bar.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { swatchLegend } from '../../../pipeline/render/legend.ts';
import { formatInteger, formatWithError, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { COMPUTED_IDS, PAPER_CONVENTION_IDS } from '../measurements/computed.ts';
import { PAPER_CITATION, PAPER_TEST_LOSS, READ_OFF_PRECISION, formatPaperLoss } from '../measurements/paper.ts';
import { compareWithPaper, conventionCurve, quotedError, type ConventionPoint } from '../measurements/paper-convention.ts';
import { formatT, tRangeText } from '../measurements/runs.ts';
import { SWEEP_DATA_SEEDS } from '../experiments/sweep.ts';
import { MAX_EXAMPLES, TARGET_RELATIVE_ERROR } from '../measurements/test-loss.ts';
import { seriesColors, sweepProvenanceLine, tAxis, tScale } from './sweep-common.ts';

const WIDTH = 720;
const meanColor = colors.feature;
const sumColor = colors.muted;

const finite = (curve: readonly ConventionPoint[]) => curve.filter((p): p is ConventionPoint & { T: number } => p.T !== 'inf');

function seriesMarks(curve: readonly ConventionPoint[], color: string, whiskers: boolean): Plot.Markish[] {
  const points = finite(curve).map((p) => ({ T: p.T, mean: p.mean, low: p.mean - 2 * quotedError(p), high: p.mean + 2 * quotedError(p) }));
  const seeds = finite(curve).flatMap((p) => p.seeds.map((e) => ({ T: p.T, value: e.mean, low: e.mean - e.standardError, high: e.mean + e.standardError })));
  return [
    ...(whiskers ? [Plot.ruleX(seeds, { x: 'T', y1: 'low', y2: 'high', stroke: color, strokeOpacity: 0.35, dx: 4 }), Plot.dot(seeds, { x: 'T', y: 'value', r: 1.6, fill: color, fillOpacity: 0.5, dx: 4 })] : []),
    Plot.ruleX(points, { x: 'T', y1: 'low', y2: 'high', stroke: color, strokeWidth: 2.5, strokeOpacity: 0.6 }),
    Plot.line(points, { x: 'T', y: 'mean', stroke: color, strokeWidth: 1.5 }),
    Plot.dot(points, { x: 'T', y: 'mean', r: 3.2, fill: color }),
  ];
}

function panel(mean: readonly ConventionPoint[], sum: readonly ConventionPoint[], scale: 'near-1' | 'log', height: number): PlotOptions {
  const values = [...finite(mean).map((p) => p.mean), ...(scale === 'log' ? finite(sum).map((p) => p.mean) : []), ...PAPER_TEST_LOSS.map((p) => p.loss), 1];
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const y: Plot.ScaleOptions =
    scale === 'log'
      ? { type: 'log', domain: [low / 1.02, high * 1.1], label: 'test loss (log scale)', labelAnchor: 'center', labelArrow: 'none', grid: true }
      : { domain: [Math.min(0.99, low - 0.005), Math.max(1.03, high + 0.01)], label: 'test loss, paper convention', labelAnchor: 'center', labelArrow: 'none', grid: true };
  const paper = PAPER_TEST_LOSS.map((p) => ({ ...p, low: p.loss - READ_OFF_PRECISION, high: p.loss + READ_OFF_PRECISION }));
  return {
    width: WIDTH,
    height,
    marginTop: 10,
    marginRight: 14,
    marginBottom: 40,
    marginLeft: 56,
    x: tScale(),
    y,
    marks: [
      Plot.ruleY([1], { stroke: colors.muted, strokeWidth: 1 }),
      Plot.ruleX(paper, { x: 'T', y1: 'low', y2: 'high', stroke: seriesColors.paper, strokeWidth: 1, dx: -4 }),
      Plot.dot(paper, { x: 'T', y: 'loss', r: 4, stroke: seriesColors.paper, strokeWidth: 1.5, fill: 'white', dx: -4 }),
      ...(scale === 'log' ? seriesMarks(sum, sumColor, false) : []),
      ...seriesMarks(mean, meanColor, scale === 'near-1'),
      ...tAxis(),
    ],
  };
}

/**
 * How many times higher our convention's test loss is than the paper's, at the T (computed
 * under both) where ours is highest: "440 ± 20 (at T = 2,000)". The error is propagated from
 * both means' quoted errors (relative errors added in quadrature).
 */
export function peakRatioText(mean: readonly ConventionPoint[], sum: readonly ConventionPoint[]): string {
  const both = finite(sum).filter((s) => mean.some((m) => m.T === s.T));
  if (both.length === 0) return 'not computed yet';
  const top = both.reduce((a, b) => (b.mean > a.mean ? b : a));
  const under = mean.find((m) => m.T === top.T)!;
  const ratio = top.mean / under.mean;
  const error = ratio * Math.hypot(quotedError(top) / top.mean, quotedError(under) / under.mean);
  return `${formatWithError(ratio, error)} (at T = ${formatT(top.T)})`;
}

export function paperConventionFigure(meanIds: readonly string[] = PAPER_CONVENTION_IDS, sumIds: readonly string[] = COMPUTED_IDS): Figure {
  return {
    id: 'paper-convention',
    needs: [...meanIds, ...sumIds],
    caption:
      'Test loss against the number of training examples $T$ (log axis) when the squared error is averaged over the outputs as well as the examples, ' +
      'as in the Toy Models of Superposition code (blue), in units of the empty model\u2019s loss, beside the values read off the paper\u2019s figure ' +
      `(open red circles with ±${READ_OFF_PRECISION} for reading precision; ${PAPER_CITATION}). Top: the same runs on a log scale with this post\u2019s ` +
      'sum convention (grey) for contrast. Bottom: the paper\u2019s range. Large dots: mean over data seeds, bars ±2 standard errors over seeds; ' +
      `small dots (offset right): single seeds, whiskers ±1 test-set standard error (at least ${formatInteger(10_000)} fresh examples, more where the ` +
      `loss is heavy-tailed, up to ${formatInteger(MAX_EXAMPLES)}). Everything else as in the first figure. Only the sizes computed so far are drawn; ` +
      'the provenance line lists them.',
    render(runs: RunSet): FigureOutput {
      const mean = conventionCurve(runs, meanIds);
      const sum = conventionCurve(runs, sumIds);
      const legend = swatchLegend(WIDTH, [
        { label: 'mean over outputs (paper convention)', color: meanColor },
        { label: 'sum over outputs (this post)', color: sumColor },
        { label: 'paper (read off)', color: seriesColors.paper, kind: 'ring' },
      ]);
      const comparisons = compareWithPaper(mean);
      const Ts = mean.map((p) => p.T);
      const svg = renderGrid(
        { rows: [[{ plot: legend }], [{ plot: panel(mean, sum, 'log', 230) }], [{ plot: panel(mean, sum, 'near-1', 260) }]], gap: { x: 0, y: 4 } },
        {
          id: 'paper-convention',
          title: 'Test loss against T under the paper\u2019s loss convention, beside the paper\u2019s values',
          desc:
            `Two panels sharing a log T axis. Paper-convention runs cover ${tRangeText(Ts)}. ` +
            `Mean test loss per T (± standard error over seeds): ${mean.map((p) => `T = ${formatT(p.T)}: ${formatWithError(p.mean, quotedError(p))}`).join('; ')}. ` +
            `Paper's values (read off): ${PAPER_TEST_LOSS.map((p) => `T = ${formatT(p.T)}: ${formatPaperLoss(p.loss)}`).join('; ')}.`,
        },
      );
      const numbers: Record<string, string> = {
        'paper-convention.coverage': tRangeText(Ts),
        'paper-convention.targetError': `${formatInteger(100 * TARGET_RELATIVE_ERROR)} %`,
        'paper-convention.agreeing': `${formatInteger(comparisons.filter((c) => c.agrees).length)} of ${formatInteger(comparisons.length)}`,
        'paper-convention.versusPaper':
          comparisons
            // A size trained on fewer data seeds than the sweep's four says how many (its error is less certain).
            .map((c) => `at T = ${formatT(c.T)} ours ${formatWithError(c.ours.mean, quotedError(c.ours))}${c.ours.seeds.length < SWEEP_DATA_SEEDS.length ? ` (${formatInteger(c.ours.seeds.length)} data seeds)` : ''} against ${formatPaperLoss(c.paper)}`)
            .join('; ') || 'no read-off T computed yet',
      };
      numbers['paper-convention.peakRatio'] = peakRatioText(mean, sum);
      for (const p of mean) {
        numbers[`paper-convention.testT${p.T}`] = formatWithError(p.mean, quotedError(p));
        numbers[`paper-convention.medianT${p.T}`] = formatWithError(p.seeds.reduce((s, e) => s + e.median, 0) / p.seeds.length, quotedError(p));
      }
      return { svg, provenance: sweepProvenanceLine(selectRuns(runs, [...meanIds, ...sumIds])), numbers };
    },
  };
}

export default paperConventionFigure();
