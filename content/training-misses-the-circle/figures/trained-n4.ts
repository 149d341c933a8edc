/**
 * `trained-n4`: n = 4 features in m = 2 dimensions, no bias, trained on identity(4).
 * Of the five init seeds, the run with the lowest final loss is drawn: its four feature
 * vectors (left) and the 4-cube {0,1}⁴ mapped into the plane by W (right).
 *
 * The two-panel layout is shared with `trained-n5`, which imports `identityFigure`.
 */
import * as Plot from '@observablehq/plot';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import {
  DEAD_FRACTION,
  angularGaps,
  distinctPointCount,
  featureVectors,
  norm,
  polarAngle,
  projectedHypercube,
  radiansToDegrees,
  type Vec2,
} from '../../../pipeline/analysis/geometry.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatDegrees, formatInteger, formatLoss, formatRatio, hash8, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { bareMargin, colors, fontSize, width as defaultWidth } from '../../../pipeline/render/theme.ts';
import { EXACT_LOSS, N4_SEEDS, bestRun } from '../measurements/free-dimensions.ts';

import { featureLabel } from './labels.ts';

export { featureLabel, subscript } from './labels.ts';

/** n equally spaced points on a circle of radius r, closed (first point repeated). */
function circle(r: number, cx = 0, cy = 0, points = 120): { x: number; y: number }[] {
  return Array.from({ length: points + 1 }, (_, k) => {
    const a = (2 * Math.PI * k) / points;
    return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
  });
}

/** Tick values at integer (or half-integer, for small extents) steps within ±extent. */
function symmetricTicks(extent: number): number[] {
  const step = extent >= 2 ? 1 : 0.5;
  const k = Math.floor(extent / step);
  return Array.from({ length: 2 * k + 1 }, (_, j) => (j - k) * step);
}

/** A square panel with equal units per pixel on both axes, centred on (cx, cy). */
function squarePanel(size: number, cx: number, cy: number, extent: number, marks: Plot.Markish[]): PlotOptions {
  return {
    width: size,
    height: size,
    aspectRatio: 1,
    marginTop: bareMargin,
    marginRight: bareMargin,
    marginBottom: 24,
    marginLeft: 30,
    x: { domain: [cx - extent, cx + extent], ticks: symmetricTicks(extent).map((t) => t + Math.round(cx)), label: null },
    y: { domain: [cy - extent, cy + extent], ticks: symmetricTicks(extent).map((t) => t + Math.round(cy)), label: null },
    marks,
  };
}

/** Everything the two panels show, computed once from the chosen run. */
interface Arrangement {
  n: number;
  vectors: Vec2[];
  /** Angular gaps (degrees), counter-clockwise from W₁, and the features in that order. */
  gapsDegrees: number[];
  order: number[];
  norms: number[];
}

function arrangement(run: LoadedRun): Arrangement {
  const { m } = run.meta.config;
  const n = run.meta.config.data.n;
  const vectors = featureVectors(run.W, m, n);
  const { order, gaps } = angularGaps(vectors, 0);
  return { n, vectors, order, gapsDegrees: gaps.map(radiansToDegrees), norms: vectors.map(norm) };
}

/** "89.9°, 90.1°, 90.0°, 90.0°". */
function anglesText(a: Arrangement): string {
  return a.gapsDegrees.map((g) => formatDegrees(g)).join(', ');
}

function featurePanel(a: Arrangement, size: number): PlotOptions {
  const longest = Math.max(...a.norms);
  const extent = Math.max(1, longest) * 1.3;
  const live = a.vectors.map((v, i) => ({ i, x: v[0], y: v[1], r: a.norms[i] })).filter((d) => d.r >= DEAD_FRACTION * longest);
  const labelOffset = 0.13 * extent;
  const labels = a.vectors.map((v, i) => {
    const r = a.norms[i];
    const angle = polarAngle(v);
    const reach = r >= DEAD_FRACTION * longest ? r + labelOffset : labelOffset;
    return { x: reach * Math.cos(angle), y: reach * Math.sin(angle), label: featureLabel(i) };
  });
  // Each angular gap is written inside it, halfway between the two features.
  const gapRadius = 0.42 * Math.min(1, longest);
  const gapLabels = a.order.map((i, k) => {
    const mid = polarAngle(a.vectors[i]) + ((a.gapsDegrees[k] / 2) * Math.PI) / 180;
    return { x: gapRadius * Math.cos(mid), y: gapRadius * Math.sin(mid), label: formatDegrees(a.gapsDegrees[k]) };
  });
  return squarePanel(size, 0, 0, extent, [
    Plot.ruleX([0], { stroke: colors.grid }),
    Plot.ruleY([0], { stroke: colors.grid }),
    Plot.line(circle(1), { x: 'x', y: 'y', stroke: colors.muted, strokeDasharray: '3,3' }),
    Plot.text([{ x: Math.SQRT1_2 * 1.02, y: -Math.SQRT1_2 * 1.02 }], {
      x: 'x',
      y: 'y',
      text: () => 'unit circle',
      textAnchor: 'start',
      dx: 4,
      dy: 6,
      fill: colors.muted,
      fontSize: fontSize.tick,
    }),
    Plot.arrow(live, { x1: 0, y1: 0, x2: 'x', y2: 'y', stroke: colors.feature, strokeWidth: 2, headLength: 10 }),
    Plot.dot([{ x: 0, y: 0 }], { x: 'x', y: 'y', r: 2.5, fill: colors.ink }),
    Plot.text(gapLabels, { x: 'x', y: 'y', text: 'label', fill: colors.ink, fontSize: fontSize.tick }),
    Plot.text(labels, { x: 'x', y: 'y', text: 'label', fill: colors.feature, fontSize: fontSize.label + 1, fontWeight: 'bold' }),
  ]);
}

/** Positions closer than this fraction of the drawing's extent are counted as one point. */
const COINCIDENT_FRACTION = 0.01;

function cubePanel(a: Arrangement, size: number): { plot: PlotOptions; distinct: number; vertices: number; edges: number } {
  const cube = projectedHypercube(a.vectors);
  const centre: Vec2 = [
    a.vectors.reduce((s, v) => s + v[0], 0) / 2,
    a.vectors.reduce((s, v) => s + v[1], 0) / 2,
  ];
  const reach = Math.max(...cube.vertices.map((p) => Math.hypot(p[0] - centre[0], p[1] - centre[1])), 1e-9);
  const extent = reach * 1.15;
  const distinct = distinctPointCount(cube.vertices, COINCIDENT_FRACTION * reach);
  const edges = cube.edges.map(({ from, to }) => ({
    x1: cube.vertices[from][0],
    y1: cube.vertices[from][1],
    x2: cube.vertices[to][0],
    y2: cube.vertices[to][1],
  }));
  const vertices = cube.vertices.map((p) => ({ x: p[0], y: p[1] }));
  // The n vertices with a single s_i = 1 are the feature vectors themselves.
  const units = a.vectors.map((v, i) => ({ x: v[0], y: v[1], label: featureLabel(i) }));
  const plot = squarePanel(size, centre[0], centre[1], extent, [
    Plot.link(edges, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: colors.muted, strokeWidth: 1 }),
    Plot.dot(vertices, { x: 'x', y: 'y', r: 2.5, fill: colors.ink }),
    Plot.dot(units, { x: 'x', y: 'y', r: 4, fill: colors.feature }),
    Plot.dot([{ x: 0, y: 0 }], { x: 'x', y: 'y', r: 5, stroke: colors.ink, strokeWidth: 1.5, fill: 'white' }),
    Plot.text(units, { x: 'x', y: 'y', text: 'label', dx: 12, dy: -9, fill: colors.feature, fontSize: fontSize.tick, fontWeight: 'bold' }),
    Plot.text([{ x: 0, y: 0 }], { x: 'x', y: 'y', text: () => 's = 0', dy: 14, fill: colors.ink, fontSize: fontSize.tick }),
  ]);
  return { plot, distinct, vertices: cube.vertices.length, edges: cube.edges.length };
}

/** What `identityFigure` returns besides the SVG, for the figure's `numbers`. */
export interface IdentityFigureResult extends FigureOutput {
  best: LoadedRun;
  angles: string;
}

/**
 * The two-panel figure for a trained identity(n) run at m = 2: features and projected cube.
 * Chooses the lowest-final-loss run among `runs` and builds title, desc and provenance.
 */
export function identityFigure(figureId: string, runs: readonly LoadedRun[]): IdentityFigureResult {
  const best = bestRun(runs);
  const a = arrangement(best);
  const panelSize = Math.floor((defaultWidth - 8 - 24) / 2);
  const cube = cubePanel(a, panelSize);
  const angles = anglesText(a);
  const n = a.n;
  const lengths = a.norms.map((r) => formatRatio(r)).join(', ');
  const seed = best.meta.config.seed;
  const svg = renderGrid(
    {
      rows: [
        [
          {
            heading: [{ text: `Feature vectors ${featureLabel(0)}…${featureLabel(n - 1)}`, weight: 'bold' }],
            footer: [
              {
                text: `seed ${seed}: lowest final loss of ${runs.length} seeds (${formatLoss(best.meta.finalLoss)})`,
                size: fontSize.tick,
              },
            ],
            plot: featurePanel(a, panelSize),
          },
          {
            heading: [{ text: `${n}-cube vertices Σ sᵢWᵢ, s ∈ {0,1}${superscriptDigit(n)}`, weight: 'bold' }],
            footer: [
              {
                text: `${cube.vertices} vertices (on ${cube.distinct} distinct points), ${cube.edges} edges`,
                size: fontSize.tick,
              },
            ],
            plot: cube.plot,
          },
        ],
      ],
      gap: { x: 24, y: 0 },
      margin: { top: 4, right: 4, bottom: 6, left: 4 },
    },
    {
      id: figureId,
      title: `Trained n = ${n}, m = 2 feature vectors and the projected ${n}-cube`,
      desc:
        `Left: the ${n} feature vectors of run ${best.experiment.id} (seed ${seed}, final loss ${formatLoss(best.meta.finalLoss)}) ` +
        `drawn as arrows from the origin with the unit circle for reference; lengths ${lengths}; ` +
        `angular gaps counter-clockwise from ${featureLabel(0)} (order ${a.order.map(featureLabel).join(', ')}): ${angles}. ` +
        `Right: the ${cube.vertices} vertices Σ sᵢWᵢ of the ${n}-cube and its ${cube.edges} edges; ` +
        `they fall on ${cube.distinct} distinct points.`,
    },
  );
  const provenance = provenanceLine(runs, {
    note: `drawn: ${best.experiment.id} #${hash8(best.hash)} (lowest final loss of ${runs.length} seeds)`,
  });
  return { svg, provenance, numbers: {}, best, angles };
}

function superscriptDigit(n: number): string {
  return String(n).replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
}

const figure: Figure = {
  id: 'trained-n4',
  needs: N4_SEEDS,
  caption:
    'Four features in a two-dimensional latent space, no bias, trained on the four one-hot examples. ' +
    'Of five initialisation seeds we draw the run with the lowest final loss. Left: the columns $W_i$ settle ' +
    'into two antipodal pairs at right angles, so every pair of features is at least $90°$ apart and ' +
    'ReLU removes all interference; the loss is essentially zero. Right: the vertices $\\sum_i s_i W_i$, ' +
    '$s \\in \\{0,1\\}^4$, of the 4-cube mapped into the plane by $W$, joined where $s$ differs in one entry; ' +
    'antipodal features cancel, so the sixteen vertices land on or next to a $3 \\times 3$ grid of nine points.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, N4_SEEDS);
    const { svg, provenance, best, angles } = identityFigure('trained-n4', used);
    return {
      svg,
      provenance,
      numbers: {
        'trained-n4.bestLoss': formatLoss(best.meta.finalLoss),
        'trained-n4.bestSeed': String(best.meta.config.seed),
        'trained-n4.seeds': String(used.length),
        'trained-n4.seedsExact': String(used.filter((run) => run.meta.finalLoss < EXACT_LOSS).length),
        'trained-n4.steps': formatInteger(best.meta.steps),
        'trained-n4.angles': angles,
      },
    };
  },
};

export default figure;
