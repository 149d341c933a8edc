/**
 * The small multiples both posts use to show a model's geometry: one column per run,
 * feature vectors W_i in the top row and the training examples' hidden vectors h_t in the
 * bottom row, square origin panels filling the widest figure width.
 */
import * as Plot from '@observablehq/plot';
import { angularGaps, type Vec2 } from '../analysis/geometry.ts';
import { renderGrid, ROW_LABEL_WIDTH, type Panel, type SvgMeta } from './compose.ts';
import { colors, fontSize, maxWidth } from './theme.ts';
import { spokes } from './vectors.ts';

const GRID_GAP = 6;
const SIDE_MARGIN = 4;

/** Panels are scaled to their own longest vector, plus this much room. */
export const PANEL_PADDING = 1.2;

/** The side of each square panel when `columns` of them share the widest figure width. */
export function panelSize(columns: number): number {
  return Math.floor((maxWidth - ROW_LABEL_WIDTH - 2 * SIDE_MARGIN - (columns - 1) * GRID_GAP) / columns);
}

/**
 * Hidden vectors as spokes from the origin with dots at the tips, their tips joined in
 * angular order: a memorizing run's polygon reads at a glance.
 */
export function polygonMarks(vectors: readonly Vec2[]): Plot.Markish[] {
  const tips = vectors.map((v) => ({ x: v[0], y: v[1] }));
  const { order } = angularGaps(vectors);
  const outline = [...order, order[0]].filter((i) => i !== undefined).map((i) => tips[i]);
  return [
    Plot.line(outline, { x: 'x', y: 'y', stroke: colors.muted, strokeWidth: 0.75 }),
    Plot.line(spokes(vectors), { x: 'x', y: 'y', stroke: colors.hidden, strokeWidth: 1.25 }),
    Plot.dot(tips, { x: 'x', y: 'y', r: 2.5, fill: colors.hidden }),
  ];
}

/** The two rows, labelled, as one standalone SVG. */
export function renderVectorGrid(features: Panel[], hidden: Panel[], meta: SvgMeta): string {
  return renderGrid(
    {
      rows: [features, hidden],
      rowLabels: [
        { text: 'features Wᵢ', size: fontSize.label, fill: colors.feature },
        { text: 'hidden vectors hₜ', size: fontSize.label, fill: colors.hidden },
      ],
      gap: { x: GRID_GAP, y: GRID_GAP },
      margin: { top: 2, right: SIDE_MARGIN, bottom: 4, left: SIDE_MARGIN },
    },
    meta,
  );
}
