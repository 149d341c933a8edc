/**
 * What the sweep figures share: the log-T axis (T = ∞ is drawn as a horizontal line, not
 * a point on it), the series colours, and a provenance line for a sweep of runs.
 */
import * as Plot from '@observablehq/plot';
import type { PlotOptions } from '../../../pipeline/render/render.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { combinedRunHash, formatInteger, formatLoss, formatLossRange, hash8, superscript } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { SWEEP_T, type SweepT } from '../experiments/sweep.ts';
import { runDataSeed, runT, formatT, tRangeText } from '../measurements/runs.ts';

/** Series colours (theme palette; blue/orange/red stay apart under common colour-vision deficiencies). */
export const seriesColors = {
  test: colors.feature,
  train: colors.hidden,
  paper: colors.accent,
  infinity: colors.ink,
  examples: colors.hidden,
  features: colors.feature,
} as const;

/** Tick values of the T axis: the decades and their threes. */
const T_TICKS = [3, 10, 30, 100, 300, 1_000, 3_000, 10_000];

/** "3", "300", "1k", "10k". */
export function compactT(T: number): string {
  return T >= 1000 ? `${T / 1000}k` : String(T);
}

/** The x range of every sweep figure: the whole sweep, whatever is computed yet. */
export const T_DOMAIN: readonly [number, number] = [SWEEP_T[0] * 0.85, SWEEP_T[SWEEP_T.length - 1] * 1.25];

/** The x scale of every sweep figure: log T over T_DOMAIN; its axis is drawn by tAxis. */
export function tScale(): PlotOptions['x'] {
  return { type: 'log', domain: [...T_DOMAIN], axis: null };
}

/**
 * An axis with labels at exactly the given ticks. Plot hands a log scale's tick format to
 * D3's log tickFormat, which blanks the labels of non-power ticks (3, 30, …) when a
 * scale spans several decades; the axis mark's `text` channel labels every tick.
 */
export function logAxis(which: 'x' | 'y', ticks: readonly number[], format: (d: number) => string, label: string | null): Plot.Markish[] {
  const options = { text: format, label, labelAnchor: 'center' as const, labelArrow: 'none' as const };
  return which === 'x' ? [Plot.axisX(ticks, options)] : [Plot.gridY(ticks, { stroke: colors.grid, strokeOpacity: 1 }), Plot.axisY(ticks, options)];
}

/** The T axis of the sweep figures. */
export function tAxis(label = 'training examples T (log scale)', ticks: readonly number[] = T_TICKS): Plot.Markish[] {
  return logAxis('x', ticks, compactT, label);
}

/**
 * Right margin (px) of a panel that draws T = ∞: its label sits there, past the end of the
 * line, where no data is drawn (inside the panel a curve rising or falling at large T
 * would cross it).
 */
export const INFINITY_LABEL_MARGIN = 40;

/**
 * T = ∞ as a horizontal dashed line across the panel at `value`, with a band from `low` to
 * `high` (the spread over data seeds) and a label "T = ∞" in the panel's right margin
 * (INFINITY_LABEL_MARGIN), in the line's colour.
 */
export function infinityMarks(value: number, low: number, high: number, color: string = seriesColors.infinity, label = 'T = ∞'): Plot.Markish[] {
  const [x1, x2] = T_DOMAIN;
  return [
    Plot.rect([{ x1, x2, y1: low, y2: high }], { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: color, fillOpacity: 0.08 }),
    Plot.ruleY([value], { stroke: color, strokeWidth: 1.25, strokeDasharray: INFINITY_DASH }),
    Plot.text([{ x: x2, y: value }], { x: 'x', y: 'y', text: () => label, textAnchor: 'start', dx: 4, fill: color, fontSize: fontSize.tick, clip: false }),
  ];
}

/** The dash of the T = ∞ line, for legends that show it. */
export const INFINITY_DASH = '6,3';

/**
 * Provenance of a sweep figure: the runs' T and data-seed range, steps, final-loss range,
 * the combined hash of their provenance hashes (in `needs` order) and, below 100 runs,
 * every run's own hash.
 */
export function sweepProvenanceLine(runs: readonly LoadedRun[]): string {
  if (runs.length === 0) return 'no runs';
  const Ts = [...new Set(runs.map(runT))];
  const dataSeeds = runs.map(runDataSeed);
  const initSeeds = [...new Set(runs.map((r) => r.meta.config.initSeed ?? r.meta.config.seed))];
  const steps = [...new Set(runs.map((r) => r.meta.steps))].map(formatInteger).join(', ');
  const losses = runs.map((r) => r.meta.finalLoss);
  const head = [
    `${formatInteger(runs.length)} runs, ${tRangeText(Ts)}`,
    `data seeds ${Math.min(...dataSeeds)}–${Math.max(...dataSeeds)}, init seed ${initSeeds.join(', ')}`,
    `${steps} steps each`,
    `final training loss ${formatLossRange(Math.min(...losses), Math.max(...losses))}`,
    `combined hash #${hash8(combinedRunHash(runs.map((r) => r.hash)))}`,
  ].join(' · ');
  if (runs.length >= 100) return `${head} (each run listed in runs.csv)`;
  return `${head}; ${runs.map((r) => `${r.experiment.id} #${hash8(r.hash)}`).join(', ')}`;
}

/** One series over T: each seed's value as a small dot, the seeds' range as a bar, the mean as a line with large dots. */
export function sweepSeriesMarks(groups: readonly { T: number; values: readonly number[] }[], color: string): Plot.Markish[] {
  const points = groups.map((g) => ({ T: g.T, mean: g.values.reduce((s, x) => s + x, 0) / g.values.length, min: Math.min(...g.values), max: Math.max(...g.values) }));
  const seeds = groups.flatMap((g) => g.values.map((value) => ({ T: g.T, value })));
  return [
    Plot.ruleX(points, { x: 'T', y1: 'min', y2: 'max', stroke: color, strokeWidth: 2, strokeOpacity: 0.45 }),
    Plot.dot(seeds, { x: 'T', y: 'value', r: 1.8, fill: color, fillOpacity: 0.55 }),
    Plot.line(points, { x: 'T', y: 'mean', stroke: color, strokeWidth: 1.6 }),
    Plot.dot(points, { x: 'T', y: 'mean', r: 3.5, fill: color }),
  ];
}

/** A log-axis tick: "20", "5", "0.5", "0.001", and "10⁻⁴" below a thousandth. */
export function logTickLabel(d: number): string {
  if (d >= 1e-3) return String(Number(d.toPrecision(3)));
  const exponent = Math.log10(d);
  return Number.isInteger(exponent) ? `10${superscript(exponent)}` : formatLoss(d);
}

/** Powers of ten from the one at or below `low` to the one at or above `high`. */
export function decades(low: number, high: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(low)); e <= Math.ceil(Math.log10(high)); e++) out.push(10 ** e);
  return out;
}

/** Ticks for a log axis spanning [low, high]: 1, 2, 5 per decade when it spans little, else the decades. */
export function ySteps(low: number, high: number): number[] {
  const ticks = high / low < 30 ? decades(low, high).flatMap((d) => [d, 2 * d, 5 * d]) : decades(low, high);
  return ticks.filter((t) => t >= low && t <= high);
}
