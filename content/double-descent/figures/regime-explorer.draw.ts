/**
 * Draws `regime-explorer` for one (T, data seed): this module runs at build time (jsdom)
 * and in the reader's browser, so it imports only Plot and browser-safe helpers and reads
 * nothing but the data the pipeline exported (regime-explorer.ts).
 */
import * as Plot from '@observablehq/plot';
import { originPanel, renderGrid } from '../../../pipeline/render/compose.ts';
import { circlePoints, dotCloud, spokes } from '../../../pipeline/render/vectors.ts';
import { PANEL_PADDING, polygonMarks } from '../../../pipeline/render/vectorGrid.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import type { Vec2 } from '../../../pipeline/analysis/geometry.ts';
import type { ControlValues } from '../../../pipeline/post/explorable.ts';

/**
 * Vectors stored compactly: integer coordinates in units of `scale / QUANTUM` (scale is
 * the longest vector of the set), x and y interleaved. One unit is under 0.05 px in
 * the panel, so nothing visible is lost, and the file is a third of full floats.
 */
export interface QuantizedVectors {
  scale: number;
  xy: number[];
}
export const QUANTUM = 4096;

export function decode(v: QuantizedVectors): Vec2[] {
  const out: Vec2[] = [];
  for (let k = 0; k < v.xy.length; k += 2) out.push([(v.xy[k] * v.scale) / QUANTUM, (v.xy[k + 1] * v.scale) / QUANTUM]);
  return out;
}

/** One run, its numbers and texts already formatted by the pipeline. */
export interface RegimeRunData {
  T: number;
  /** T as the prose writes it ("10,000"). */
  TText: string;
  seed: number;
  /** Features at least DRAW_FRACTION of the longest (every k-th of them when many). */
  features: QuantizedVectors;
  /** Radius of the grey disc holding the shorter features. */
  discRadius: number;
  longestFeature: number;
  featuresText: string;
  /** Hidden vectors of the drawn training examples (every k-th example). */
  hidden: QuantizedVectors;
  hiddenText: string;
  /** Polygon (spokes joined in angular order) or a cloud of dots. */
  hiddenAsPolygon: boolean;
  testLossText: string;
}

export interface RegimeExplorerData {
  runs: RegimeRunData[];
}

const SIZE = 300;

export default function draw(data: RegimeExplorerData, values: ControlValues): string {
  const run = data.runs.find((r) => r.T === values.T && r.seed === values.seed);
  if (!run) throw new Error(`regime-explorer: no run at T = ${String(values.T)}, data seed ${String(values.seed)}`);
  const features = decode(run.features);
  const hidden = decode(run.hidden);
  const longestHidden = Math.max(...hidden.map(([x, y]) => Math.hypot(x, y)), 1e-12);
  const featurePlot = originPanel(SIZE, PANEL_PADDING * run.longestFeature, [
    Plot.line(circlePoints(run.discRadius), { x: 'x', y: 'y', fill: colors.muted, fillOpacity: 0.5, stroke: 'none' }),
    Plot.line(spokes(features), { x: 'x', y: 'y', stroke: colors.feature, strokeWidth: 1, strokeOpacity: 0.75 }),
  ]);
  const hiddenPlot = originPanel(
    SIZE,
    PANEL_PADDING * longestHidden,
    run.hiddenAsPolygon ? polygonMarks(hidden) : [dotCloud(hidden, { r: 1.4, fill: colors.hidden, fillOpacity: 0.5 })],
  );
  return renderGrid(
    {
      rows: [
        [
          {
            heading: [{ text: `T = ${run.TText}, data seed ${run.seed}`, weight: 'bold' }],
            footer: [
              { text: 'features Wᵢ', size: fontSize.label, fill: colors.feature, weight: 'bold' },
              { text: run.featuresText, size: fontSize.tick },
            ],
            plot: featurePlot,
          },
          {
            heading: [{ text: `test loss ${run.testLossText}`, weight: 'bold' }],
            footer: [
              { text: 'hidden vectors hₜ', size: fontSize.label, fill: colors.hidden, weight: 'bold' },
              { text: run.hiddenText, size: fontSize.tick },
            ],
            plot: hiddenPlot,
          },
        ],
      ],
      gap: { x: 16, y: 8 },
      margin: { top: 2, right: 4, bottom: 4, left: 4 },
    },
    {
      id: 'regime-explorer',
      title: `Features and hidden vectors at T = ${run.TText}, data seed ${run.seed}`,
      desc:
        `T = ${run.TText}, data seed ${run.seed}, test loss ${run.testLossText}. Left: the feature vectors as lines from the origin (${run.featuresText}), ` +
        `the shorter ones inside a grey disc. Right: the hidden vectors of the training examples (${run.hiddenText}), ` +
        `${run.hiddenAsPolygon ? 'joined in angular order' : 'as dots'}.`,
    },
  );
}
