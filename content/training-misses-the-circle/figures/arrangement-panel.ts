/**
 * A square panel drawing one identity(n), m = 2 arrangement: live feature vectors as
 * arrows, dead ones as hollow rings at their (tiny) position, labelled W₁…Wₙ, with a dashed
 * circle per radius level. Optionally the latent plane shaded by which outputs fire.
 */
import * as Plot from '@observablehq/plot';
import type { Classification } from '../../../pipeline/analysis/outcomes.ts';
import { featureVectors, norm, polarAngle } from '../../../pipeline/analysis/geometry.ts';
import type { PlotOptions } from '../../../pipeline/render/compose.ts';
import { featureLabel } from './labels.ts';
import { bareMargin, colors, fontSize } from '../../../pipeline/render/theme.ts';

function circle(r: number, points = 120): { x: number; y: number }[] {
  return Array.from({ length: points + 1 }, (_, k) => ({ x: r * Math.cos((2 * Math.PI * k) / points), y: r * Math.sin((2 * Math.PI * k) / points) }));
}

export interface ArrangementOptions {
  size: number;
  /** Half-width of the drawn window; by default 1.35 × the longest vector. */
  extent?: number;
  /** Shade cells by how many live outputs are active there (W_iᵀh + b_i > 0). */
  zones?: boolean;
  labels?: boolean;
}

/** Cell colours for 0, 1, 2, … active live outputs. */
const ZONE_FILLS = ['#ffffff', '#dbe9f6', '#f6d5c3', '#eab2a0', '#d98b7a'];

/** Of a classification, the panel needs only which features are dead and the radius levels (an explorable figure's data holds just these). */
export type ArrangementClasses = Pick<Classification, 'deadFeatures' | 'radiusLevels'>;

export function arrangementPanel(W: ArrayLike<number>, b: ArrayLike<number>, n: number, c: ArrangementClasses, options: ArrangementOptions): PlotOptions {
  const vectors = featureVectors(W, 2, n);
  const norms = vectors.map(norm);
  const longest = Math.max(...norms, 1e-9);
  const extent = options.extent ?? longest * 1.35;
  const dead = new Set(c.deadFeatures);
  const live = vectors.map((v, i) => ({ i, x: v[0], y: v[1] })).filter((d) => !dead.has(d.i));
  const deadDots = vectors.map((v, i) => ({ i, x: v[0], y: v[1] })).filter((d) => dead.has(d.i));
  const marks: Plot.Markish[] = [];
  if (options.zones) {
    // Cells of one row with the same count are merged into one rect, to keep the SVG small.
    const cells = 90;
    const step = (2 * extent) / cells;
    const grid: { x1: number; x2: number; y1: number; y2: number; fill: string }[] = [];
    for (let k = 0; k < cells; k++) {
      const hy = -extent + (k + 0.5) * step;
      let runStart = 0;
      let runFill = '';
      for (let a = 0; a <= cells; a++) {
        let fill = '';
        if (a < cells) {
          const hx = -extent + (a + 0.5) * step;
          let active = 0;
          for (const d of live) if (d.x * hx + d.y * hy + b[d.i] > 0) active++;
          fill = ZONE_FILLS[Math.min(active, ZONE_FILLS.length - 1)];
        }
        if (fill !== runFill) {
          if (a > 0 && runFill !== ZONE_FILLS[0]) grid.push({ x1: -extent + runStart * step, x2: -extent + a * step, y1: hy - step / 2, y2: hy + step / 2, fill: runFill });
          runStart = a;
          runFill = fill;
        }
      }
    }
    marks.push(Plot.rect(grid, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'fill', stroke: 'fill', strokeWidth: 0.6 }));
  }
  marks.push(Plot.ruleX([0], { stroke: colors.grid }), Plot.ruleY([0], { stroke: colors.grid }));
  for (const r of c.radiusLevels) marks.push(Plot.line(circle(r), { x: 'x', y: 'y', stroke: colors.muted, strokeDasharray: '3,3' }));
  marks.push(
    Plot.arrow(live, { x1: 0, y1: 0, x2: 'x', y2: 'y', stroke: colors.feature, strokeWidth: 2, headLength: 8 }),
    Plot.dot(deadDots, { x: 'x', y: 'y', r: 5, stroke: colors.accent, strokeWidth: 1.8, fill: 'none' }),
  );
  if (options.labels !== false) {
    const offset = 0.12 * extent;
    const liveLabels = live.map((d) => {
      const a = polarAngle(vectors[d.i]);
      const reach = norms[d.i] + offset;
      return { x: reach * Math.cos(a), y: reach * Math.sin(a), label: featureLabel(d.i) };
    });
    // Dead features sit at (almost) the origin: their labels are stacked below it.
    const deadLabels = [{ x: 0, y: 0, label: deadDots.map((d) => featureLabel(d.i)).join(', ') + (deadDots.length ? ' ≈ 0' : '') }];
    marks.push(Plot.text(liveLabels, { x: 'x', y: 'y', text: 'label', fill: colors.feature, fontSize: fontSize.tick, fontWeight: 'bold' }));
    if (deadDots.length > 0) marks.push(Plot.text(deadLabels, { x: 'x', y: 'y', text: 'label', fill: colors.accent, dy: 15, fontSize: fontSize.tick, fontWeight: 'bold' }));
  }
  return {
    width: options.size,
    height: options.size,
    aspectRatio: 1,
    marginTop: bareMargin,
    marginRight: bareMargin,
    marginBottom: 22,
    marginLeft: 28,
    x: { domain: [-extent, extent], label: null, ticks: 5 },
    y: { domain: [-extent, extent], label: null, ticks: 5 },
    marks,
  };
}

export const zoneLegend: { count: number; fill: string }[] = ZONE_FILLS.map((fill, count) => ({ count, fill }));
