/**
 * Draws `tgon-explorer` for one (T, seed): this module runs at build time (jsdom) and in
 * the reader's browser, so it imports only Plot and browser-safe helpers and reads
 * nothing but the data the pipeline exported (tgon-explorer.ts).
 */
import * as Plot from '@observablehq/plot';
import { originPanel, renderGrid, type PlotOptions } from '../../../pipeline/render/compose.ts';
import { circlePoints, spokes } from '../../../pipeline/render/vectors.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import type { ControlValues } from '../../../pipeline/post/explorable.ts';

/** One trained run, its numbers already formatted by the pipeline. */
export interface TgonRunData {
  seed: number;
  /** Hidden vectors h_t = W e_t (the columns of W), x then y. */
  x: number[];
  y: number[];
  b: number[];
  /** Indices of the columns in angular order (the polygon's outline). */
  order: number[];
  even: boolean;
  outcomeLabel: string;
  /** "seed 3 · 0.98 · 1.02": the regularity line under the memorized-tgons panels. */
  scoreLine: string;
  radiiText: string;
  lossText: string;
}

export interface TgonExplorerData {
  /** Per T (in the order of the control's values): the exact construction and every seed's run. */
  byT: { T: number; radius: number; bias: number; biasText: string; runs: TgonRunData[] }[];
}

const SIZE = 300;

function polygonPanel(run: TgonRunData, radius: number): PlotOptions {
  const tips = run.x.map((x, i) => ({ x, y: run.y[i] }));
  const extent = 1.15 * Math.max(radius, ...tips.map((p) => Math.hypot(p.x, p.y)));
  const outline = [...run.order, run.order[0]].map((i) => tips[i]);
  const ink = run.even ? colors.hidden : colors.accent;
  return originPanel(SIZE, extent, [
    Plot.line(circlePoints(radius, 72), { x: 'x', y: 'y', stroke: colors.muted, strokeDasharray: '3,3' }),
    Plot.line(outline, { x: 'x', y: 'y', stroke: colors.muted, strokeWidth: 0.75 }),
    Plot.line(spokes(run.x.map((x, i) => [x, run.y[i]])), { x: 'x', y: 'y', stroke: ink, strokeWidth: 1.25 }),
    Plot.dot(tips, { x: 'x', y: 'y', r: 2.5, fill: ink }),
  ]);
}

function biasPanel(run: TgonRunData, bias: number): PlotOptions {
  const points = run.b.map((b, i) => ({ feature: i + 1, b }));
  const low = Math.min(bias, ...run.b, 0);
  const high = Math.max(bias, ...run.b, 0);
  const pad = 0.1 * Math.max(high - low, 0.5);
  return {
    width: SIZE,
    height: SIZE,
    marginTop: 8,
    marginRight: 12,
    marginBottom: 36,
    marginLeft: 44,
    x: { domain: [0.5, run.b.length + 0.5], label: 'feature i', labelAnchor: 'center', labelOffset: 30, ticks: run.b.map((_, i) => i + 1), tickFormat: (d: number) => String(d) },
    y: { domain: [low - pad, high + pad], label: null, grid: true },
    marks: [
      Plot.ruleY([0], { stroke: colors.grid }),
      Plot.ruleY([bias], { stroke: colors.muted, strokeDasharray: '3,3' }),
      Plot.ruleX(points, { x: 'feature', y1: 0, y2: 'b', stroke: colors.feature, strokeWidth: 1 }),
      Plot.dot(points, { x: 'feature', y: 'b', r: 3.5, fill: colors.feature }),
    ],
  };
}

export default function draw(data: TgonExplorerData, values: ControlValues): string {
  const column = data.byT.find((c) => c.T === values.T);
  const run = column?.runs.find((r) => r.seed === values.seed);
  if (!column || !run) throw new Error(`tgon-explorer: no run at T = ${String(values.T)}, seed ${String(values.seed)}`);
  return renderGrid(
    {
      rows: [
        [
          {
            heading: [{ text: `T = ${column.T}: hidden vectors hₜ = W eₜ`, weight: 'bold' }],
            footer: [
              { text: run.scoreLine, size: fontSize.tick },
              { text: run.outcomeLabel, size: fontSize.tick, weight: 'bold', fill: run.even ? colors.ink : colors.accent },
            ],
            plot: polygonPanel(run, column.radius),
          },
          {
            heading: [{ text: 'biases bᵢ', weight: 'bold' }],
            footer: [
              { text: `dashed: the construction's b = ${column.biasText}`, size: fontSize.tick },
              { text: `final loss ${run.lossText}`, size: fontSize.tick },
            ],
            plot: biasPanel(run, column.bias),
          },
        ],
      ],
      gap: { x: 16, y: 8 },
      margin: { top: 2, right: 4, bottom: 4, left: 4 },
    },
    {
      id: 'tgon-explorer',
      title: `Trained T-gon, T = ${column.T}, seed ${run.seed}`,
      desc:
        `T = ${column.T}, seed ${run.seed}: ${run.outcomeLabel}. Left: the ${column.T} hidden vectors as lines from the origin joined in angular order, ` +
        `with a dashed circle at the construction's radius; ${run.radiiText}. Right: the ${column.T} biases (${run.b.map((b) => b.toFixed(2)).join(', ')}) ` +
        `against the construction's b = ${column.biasText}. Final loss ${run.lossText}.`,
    },
  );
}
