/**
 * `epsilon`: what sets the height of the peak. At the sizes around the sum convention's
 * peak, the test loss and the length of the features one training example uses, against
 * Adam's ε under the sum convention (PyTorch's 1e-8 is the sweep itself), with the
 * paper-convention runs drawn at their equivalent ε = n · 1e-8 (measurements/epsilon.ts).
 * One colour per T: small dots single seeds, large dots the mean over seeds with ±2
 * standard errors; open circles the paper's convention.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { swatchLegend } from '../../../pipeline/render/legend.ts';
import { formatInteger, formatWithError, selectRuns, superscript } from '../../../pipeline/post/format.ts';
import { colors } from '../../../pipeline/render/theme.ts';
import { ADAM_EPS } from '../../../pipeline/train/adamw.ts';
import { EPSILON_T, EPSILONS } from '../experiments/epsilon.ts';
import { epsilonFigureIds } from '../measurements/computed.ts';
import { epsilonSeries, type EpsilonPoint } from '../measurements/epsilon.ts';
import { quotedError } from '../measurements/paper-convention.ts';
import { formatSeedMean, formatT } from '../measurements/runs.ts';
import { logAxis, logTickLabel, decades, sweepProvenanceLine } from './sweep-common.ts';

const WIDTH = 720;
const tColors = [colors.feature, colors.hidden] as const;
const colorOf = (T: number) => tColors[EPSILON_T.indexOf(T as (typeof EPSILON_T)[number])] ?? colors.ink;
const ALL_EPS = [ADAM_EPS, ...EPSILONS];
const EPS_DOMAIN: [number, number] = [ALL_EPS[0] / 2, ALL_EPS[ALL_EPS.length - 1] * 2];

/** "1e-4" as a key part, "10⁻⁴" as text. */
const epsKey = (eps: number) => eps.toExponential().replace('+', '');
const epsText = (eps: number) => `10${superscript(Math.round(Math.log10(eps)))}`;

function panel(points: readonly EpsilonPoint[], value: 'loss' | 'norm', height: number): PlotOptions {
  const read = (p: EpsilonPoint) => (value === 'loss' ? { y: p.mean, low: p.mean - 2 * quotedError(p), high: p.mean + 2 * quotedError(p), seeds: p.seeds.map((e) => e.mean) } : { y: p.onceUsedNorm.mean, low: p.onceUsedNorm.mean - 2 * p.onceUsedNorm.standardError, high: p.onceUsedNorm.mean + 2 * p.onceUsedNorm.standardError, seeds: [p.onceUsedNorm.min, p.onceUsedNorm.max] });
  const rows = points.map((p) => ({ ...read(p), x: p.sumEquivalentEps, T: p.T, convention: p.convention, color: colorOf(p.T) }));
  const seeds = rows.flatMap((r) => r.seeds.map((y) => ({ x: r.x, y, color: r.color })));
  const sum = rows.filter((r) => r.convention === 'sum');
  const mean = rows.filter((r) => r.convention === 'mean');
  const ys = [...rows.flatMap((r) => [r.y, Math.max(r.low, r.y / 3), r.high]), ...seeds.map((s) => s.y), value === 'loss' ? 1 : 0.1].filter((y) => y > 0);
  const [low, high] = [Math.min(...ys) / 1.3, Math.max(...ys) * 1.3];
  return {
    width: WIDTH,
    height,
    marginTop: 10,
    marginRight: 14,
    marginBottom: 40,
    marginLeft: 56,
    x: { type: 'log', domain: EPS_DOMAIN, axis: null },
    y: { type: 'log', domain: [low, high], axis: null },
    marks: [
      ...(value === 'loss' ? [Plot.ruleY([1], { stroke: colors.muted })] : []),
      Plot.ruleX([ADAM_EPS * 10_000], { stroke: colors.muted, strokeDasharray: '4,3' }),
      Plot.dot(seeds, { x: 'x', y: 'y', r: 1.6, fill: 'color', fillOpacity: 0.5, dx: 5 }),
      Plot.ruleX(rows, { x: 'x', y1: (r) => Math.max(r.low, low), y2: 'high', stroke: 'color', strokeWidth: 2.5, strokeOpacity: 0.5 }),
      ...EPSILON_T.map((T) => Plot.line(sum.filter((r) => r.T === T), { x: 'x', y: 'y', stroke: colorOf(T), strokeWidth: 1.5 })),
      Plot.dot(sum, { x: 'x', y: 'y', r: 3.2, fill: 'color' }),
      Plot.dot(mean, { x: 'x', y: 'y', r: 5, stroke: 'color', strokeWidth: 1.6, fill: 'white', dx: -6 }),
      ...logAxis('x', decades(ALL_EPS[0], ALL_EPS[ALL_EPS.length - 1]), epsText, 'Adam\u2019s ε under the sum convention (log scale)'),
      ...logAxis('y', decades(low, high).filter((d) => d >= low && d <= high), logTickLabel, value === 'loss' ? 'test loss' : 'mean ‖W_j‖, used once'),
    ],
    color: { type: 'identity' },
  };
}

export function epsilonFigure(ids: readonly string[] = epsilonFigureIds()): Figure {
  return {
    id: 'epsilon',
    needs: [...ids],
    caption:
      `The height of the peak against Adam\u2019s $\\epsilon$, at $T = ${EPSILON_T.map((T) => formatT(T).replace(',', '{,}')).join('$ and $')}$, squared errors summed over the outputs. ` +
      'Top: test loss in units of the empty model (log scale); bottom: the mean length $\\lVert W_j \\rVert$ of the features that one training example uses. ' +
      'Small dots: single data seeds (offset right); large dots: the mean over seeds, bars ±2 standard errors. ' +
      `The dashed line is $\\epsilon = n \\cdot 10^{-8}$: averaging the error over the $n$ outputs with PyTorch\u2019s $\\epsilon = 10^{-8}$ is the same optimiser as summing with it, ` +
      'and the open circles there are the runs trained under the paper\u2019s convention. Only the settings computed so far are drawn; the provenance line lists them.',
    render(runs: RunSet): FigureOutput {
      const points = epsilonSeries(runs, ids);
      const legend = swatchLegend(WIDTH, [
        ...EPSILON_T.map((T) => ({ label: `T = ${formatT(T)}`, color: colorOf(T) })),
        { label: 'paper\u2019s convention (at n · 10⁻⁸)', color: colors.ink, kind: 'ring' as const },
      ]);
      const svg = renderGrid(
        { rows: [[{ plot: legend }], [{ plot: panel(points, 'loss', 250) }], [{ plot: panel(points, 'norm', 200) }]], gap: { x: 0, y: 4 } },
        {
          id: 'epsilon',
          title: 'Test loss and the length of once-used features against Adam\u2019s ε',
          desc:
            // A seed count only above one: formatSeedMean already ends a single seed's value with "(one seed)".
            'Two panels sharing a log ε axis. ' +
            (points.map((p) => `T = ${formatT(p.T)}, ${p.convention === 'mean' ? `paper\u2019s convention (ε = ${epsText(p.eps)}, drawn at ${epsText(p.sumEquivalentEps)})` : `ε = ${epsText(p.eps)}`}: test loss ${formatWithError(p.mean, quotedError(p))}, once-used ‖W_j‖ ${formatSeedMean(p.onceUsedNorm)}${p.seeds.length > 1 ? ` (${p.seeds.length} seeds)` : ''}`).join('; ') || 'No runs computed yet.'),
        },
      );
      const numbers: Record<string, string> = {
        'epsilon.settings': `${formatInteger(points.filter((p) => p.convention === 'sum').length)} settings of (T, ε)`,
      };
      for (const p of points) {
        const name = p.convention === 'mean' ? `PaperT${p.T}` : `T${p.T}eps${epsKey(p.eps)}`;
        numbers[`epsilon.loss${name}`] = formatWithError(p.mean, quotedError(p));
        numbers[`epsilon.norm${name}`] = formatSeedMean(p.onceUsedNorm);
      }
      return { svg, provenance: sweepProvenanceLine(selectRuns(runs, ids)), numbers };
    },
  };
}

export default epsilonFigure();
