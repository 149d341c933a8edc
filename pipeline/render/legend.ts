/**
 * Legends drawn as marks: Plot's own legends for continuous scales draw on a canvas,
 * which jsdom lacks, and its swatch legends are HTML, not SVG. A legend here is a small
 * Plot of its own, placed in a grid row like any panel.
 */
import * as Plot from '@observablehq/plot';
import { legendPanels } from './render.ts';
import { colors, fontSize } from './theme.ts';

/** One legend entry: a coloured mark and its label. */
export interface LegendItem {
  label: string;
  color: string;
  kind?: 'dot' | 'rect' | 'ring' | 'line';
  /** A line's dash pattern (SVG stroke-dasharray), as the plot draws it; solid when absent. */
  dash?: string;
}

/**
 * Legend entries drawn as marks (Plot's canvas legends do not work in jsdom), laid out
 * `perRow` to a line, each line 18 px high, to fit one panel's width.
 */
export function swatchLegend(width: number, items: readonly LegendItem[], perRow = items.length): Plot.PlotOptions {
  const rows = Math.ceil(items.length / perRow);
  const height = 18 * rows + 4;
  const spacing = width / perRow;
  const placed = items.map((item, k) => ({ ...item, x: (k % perRow) * spacing + 10, y: Math.floor(k / perRow) * 18 + 11 }));
  const of = (kind: LegendItem['kind']) => placed.filter((d) => (d.kind ?? 'dot') === kind);
  const legend: Plot.PlotOptions = {
    width,
    height,
    margin: 0,
    x: { domain: [0, width], axis: null },
    y: { domain: [height, 0], axis: null },
    marks: [
      Plot.dot(of('dot'), { x: 'x', y: 'y', r: 5, fill: 'color', stroke: colors.ink, strokeWidth: 0.5 }),
      Plot.dot(of('ring'), { x: 'x', y: 'y', r: 5, stroke: 'color', strokeWidth: 1.8, fill: 'none' }),
      Plot.rect(of('rect'), { x1: (d: { x: number }) => d.x - 6, x2: (d: { x: number }) => d.x + 6, y1: (d: { y: number }) => d.y - 6, y2: (d: { y: number }) => d.y + 6, fill: 'color', stroke: colors.muted }),
      Plot.link(of('line').filter((d) => d.dash === undefined), { x1: (d: { x: number }) => d.x - 8, x2: (d: { x: number }) => d.x + 6, y1: 'y', y2: 'y', stroke: 'color', strokeWidth: 2 }),
      // Dashed lines, one mark per pattern (a dash is not a channel); none drawn when no item is dashed.
      ...[...new Set(of('line').flatMap((d) => (d.dash === undefined ? [] : [d.dash])))].map((dash) =>
        Plot.link(of('line').filter((d) => d.dash === dash), { x1: (d: { x: number }) => d.x - 10, x2: (d: { x: number }) => d.x + 6, y1: 'y', y2: 'y', stroke: 'color', strokeWidth: 1.5, strokeDasharray: dash }),
      ),
      Plot.text(placed, { x: 'x', y: 'y', text: 'label', dx: 11, textAnchor: 'start', fill: colors.ink, fontSize: fontSize.tick }),
    ],
  };
  // A legend is not data: the figure's CSV leaves it out.
  legendPanels.add(legend);
  return legend;
}
