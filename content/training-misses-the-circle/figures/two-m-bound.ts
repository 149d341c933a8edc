/**
 * `two-m-bound`: the best final training loss of five seeds against the number of
 * features n, for m = 1, 2, 3 latent dimensions, no bias, identity(n). Section 7 proves
 * that the loss can be zero only for n ≤ 2m; the runs show where training lands.
 *
 * Log-scale y: exact zeros (which float64 training does reach for m = 1) cannot be drawn
 * on a log axis, so anything below FLOOR is drawn on the floor line as a hollow marker.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { renderGrid, type Panel } from '../../../pipeline/render/render.ts';
import { formatInteger, formatLoss, hash8, provenanceLine } from '../../../pipeline/post/format.ts';
import { colors, fontSize, width as figureWidth } from '../../../pipeline/render/theme.ts';
import { TWO_M_BOUND_M } from '../experiments/free-dimensions.ts';
import { EXACT_LOSS, POSITIVE_LOSS, TWO_M_BOUND_IDS, boundCells, boundSeeds, boundVerdict, type BoundCell } from '../measurements/free-dimensions.ts';

/** Losses below this are drawn on the floor line (log axes cannot show 0). */
export const FLOOR = 1e-16;
const floored = (loss: number) => Math.max(loss, FLOOR);
const Y_TICKS = [1e-16, 1e-12, 1e-8, 1e-4, 1];
const tickLabel = (v: number) => (v === FLOOR ? '≤10⁻¹⁶' : v === 1 ? '1' : `10${'⁻' + String(-Math.log10(v)).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)])}`);

function panel(cells: readonly BoundCell[], m: number, size: { width: number; height: number }, first: boolean): Panel {
  const mine = cells.filter((c) => c.m === m);
  const ns = mine.map((c) => c.n);
  const seedsDots = mine.flatMap((c) => c.runs.map((run) => ({ n: c.n, loss: floored(run.meta.finalLoss), zero: run.meta.finalLoss < FLOOR })));
  const best = mine.map((c) => ({ n: c.n, loss: floored(c.best.meta.finalLoss), zero: c.best.meta.finalLoss < FLOOR }));
  return {
    heading: [{ text: `m = ${m}`, weight: 'bold' }],
    plot: {
      width: size.width,
      height: size.height,
      marginTop: 14,
      marginRight: 10,
      marginBottom: 36,
      marginLeft: first ? 56 : 14,
      x: { domain: [ns[0] - 0.5, ns[ns.length - 1] + 0.5], ticks: ns, tickFormat: (d: number) => String(d), label: 'features n', labelAnchor: 'center', labelArrow: 'none' },
      y: {
        type: 'log',
        domain: [FLOOR / 4, 4],
        ticks: Y_TICKS,
        tickFormat: first ? tickLabel : () => '',
        label: first ? 'final training loss' : null,
        labelAnchor: 'center',
        labelArrow: 'none',
      },
      marks: [
        Plot.gridY(Y_TICKS, { stroke: colors.grid, strokeOpacity: 1 }),
        // Where exact reconstruction stops being possible: between n = 2m and 2m + 1, shaded beyond.
        Plot.rect([{ x1: 2 * m + 0.5, x2: ns[ns.length - 1] + 0.5 }], { x1: 'x1', x2: 'x2', y1: FLOOR / 4, y2: 4, fill: colors.accent, fillOpacity: 0.06 }),
        Plot.ruleX([2 * m], { stroke: colors.accent, strokeDasharray: '4,3' }),
        Plot.text([{ n: 2 * m }], { x: 'n', y: () => 1e-14, text: () => `n = 2m = ${2 * m}`, dx: -5, textAnchor: 'end', rotate: 0, fill: colors.accent, fontSize: fontSize.tick }),
        Plot.ruleY([EXACT_LOSS], { stroke: colors.muted, strokeDasharray: '2,3' }),
        Plot.ruleY([POSITIVE_LOSS], { stroke: colors.muted, strokeDasharray: '2,3' }),
        ...(first
          ? [
              Plot.text([{ n: ns[0] - 0.5, loss: EXACT_LOSS }], { x: 'n', y: 'loss', text: () => '10⁻³', dx: 3, dy: 7, textAnchor: 'start', fill: colors.muted, fontSize: fontSize.tick - 1 }),
              Plot.text([{ n: ns[0] - 0.5, loss: POSITIVE_LOSS }], { x: 'n', y: 'loss', text: () => '10⁻²', dx: 3, dy: -7, textAnchor: 'start', fill: colors.muted, fontSize: fontSize.tick - 1 }),
            ]
          : []),
        Plot.dot(seedsDots, { x: 'n', y: 'loss', r: 2.5, fill: colors.muted, fillOpacity: 0.7, dx: 7 }),
        Plot.line(best, { x: 'n', y: 'loss', stroke: colors.feature, strokeWidth: 1.5 }),
        Plot.dot(best.filter((d) => !d.zero), { x: 'n', y: 'loss', r: 4, fill: colors.feature }),
        Plot.dot(best.filter((d) => d.zero), { x: 'n', y: 'loss', r: 4, fill: 'white', stroke: colors.feature, strokeWidth: 1.5 }),
      ],
    },
  };
}

const figure: Figure = {
  id: 'two-m-bound',
  needs: TWO_M_BOUND_IDS,
  caption:
    'Final training loss against the number of features $n$, for $m = 1, 2, 3$ latent dimensions, no bias, trained on the ' +
    '$n$ one-hot examples. Blue: the lowest final loss of five initialisation seeds; grey dots, set slightly to the right: ' +
    'every seed. The loss axis is logarithmic; a loss below $10^{-16}$, including an exact zero, is drawn on the bottom ' +
    'line, hollow. Dotted lines mark $10^{-3}$ and $10^{-2}$, the thresholds the text uses for "exact" and "clearly ' +
    'positive"; the dashed red line marks $n = 2m$, and the shaded region beyond it is where exact reconstruction is impossible.',
  render(runs: RunSet): FigureOutput {
    const cells = boundCells(runs);
    const panelHeight = 280;
    const innerWidth = figureWidth - 8 - 2 * 12;
    const firstExtra = 42;
    const base = Math.floor((innerWidth - firstExtra) / 3);
    const svg = renderGrid(
      {
        rows: [TWO_M_BOUND_M.map((m, k) => panel(cells, m, { width: base + (k === 0 ? firstExtra : 0), height: panelHeight }, k === 0))],
        gap: { x: 12, y: 0 },
        margin: { top: 4, right: 4, bottom: 4, left: 4 },
      },
      {
        id: 'two-m-bound',
        title: 'Best final loss versus number of features, for m = 1, 2, 3, no bias',
        desc: TWO_M_BOUND_M.map((m) => {
          const mine = cells.filter((c) => c.m === m);
          return `m = ${m}: best losses ${mine.map((c) => `n = ${c.n}: ${formatLoss(c.best.meta.finalLoss)}`).join(', ')}.`;
        }).join(' ') + ' Loss axis logarithmic; values below 10⁻¹⁶ are drawn on the floor.',
      },
    );
    const numbers: Record<string, string> = {
      'two-m-bound.seeds': String(boundSeeds().length),
      'two-m-bound.steps': formatInteger(cells[0].best.meta.steps),
      'two-m-bound.runCount': String(TWO_M_BOUND_IDS.length),
    };
    let holding = 0;
    for (const m of TWO_M_BOUND_M) {
      const verdict = boundVerdict(cells, m);
      if (verdict.holds) holding++;
      const at2m = cells.find((c) => c.m === m && c.n === 2 * m)!;
      numbers[`two-m-bound.m${m}MaxExact`] = formatLoss(verdict.maxExact);
      numbers[`two-m-bound.m${m}Beyond`] = formatLoss(verdict.beyond);
      numbers[`two-m-bound.m${m}SeedsExactAt2m`] = String(at2m.runs.filter((r) => r.meta.finalLoss < EXACT_LOSS).length);
      numbers[`two-m-bound.m${m}WorstAt2m`] = formatLoss(Math.max(...at2m.runs.map((r) => r.meta.finalLoss)));
    }
    numbers['two-m-bound.holdingCount'] = String(holding);
    const provenance = provenanceLine(
      cells.map((c) => c.best),
      { note: `drawn in blue: the lowest-loss seed of ${boundSeeds().length} per (m, n); all ${TWO_M_BOUND_IDS.length} runs: ${cells.flatMap((c) => c.runs.map((r) => hash8(r.hash))).join(' ')}` },
    );
    return { svg, provenance, numbers };
  },
};

export default figure;
