/**
 * `relu-regions-3d`: n = 3 features, m = 2, no bias, trained on identity(3). Of the five
 * seeds n3-seed0…4, the run with the lowest final loss is drawn (ties to the lower seed).
 *
 * Left: the latent plane. Every point h of a square grid is coloured by which coordinates
 * of the decoded vector Wᵀh = (W₁·h, W₂·h, W₃·h) are positive; the lines Wᵢ·h = 0 bound the
 * regions. Right: the same grid points after ReLU, in R³: points from a region with a
 * single positive coordinate land on that coordinate's axis, the others on a face.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { featureVectors, norm, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { featureLabel } from './trained-n4.ts';
import { N3_SEEDS, bestRun } from '../measurements/free-dimensions.ts';
import { camera, projectScene, sceneMarks, scenePanel, type Primitive, type Vec3 } from '../../../pipeline/render/camera3d.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatLoss, hash8, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';

/** Grid points per side of the latent square. */
const GRID = 21;
/** Directions sampled to measure how much of the plane snaps to a single axis. */
const DIRECTIONS = 3600;
const VIEW = { azimuth: 35, elevation: 24 };

/** One colour per feature's single-positive region; the third hue is local to this figure. */
const REGION_COLORS = [colors.feature, colors.hidden, '#1b7837'];
const BOTH = colors.muted;

/** Indices of the positive coordinates of Wᵀh. */
export function positiveSet(vectors: readonly Vec2[], h: Vec2): number[] {
  return vectors.flatMap((w, i) => (w[0] * h[0] + w[1] * h[1] > 0 ? [i] : []));
}

/** Share of directions in the plane where exactly one coordinate of Wᵀh is positive, and the share per feature. */
export function singlePositiveShare(vectors: readonly Vec2[], directions = DIRECTIONS): { total: number; perFeature: number[] } {
  const perFeature = vectors.map(() => 0);
  for (let k = 0; k < directions; k++) {
    const a = (2 * Math.PI * (k + 0.5)) / directions;
    const pos = positiveSet(vectors, [Math.cos(a), Math.sin(a)]);
    if (pos.length === 1) perFeature[pos[0]] += 1;
  }
  return { total: perFeature.reduce((s, c) => s + c, 0) / directions, perFeature: perFeature.map((c) => c / directions) };
}

function colorOf(pos: number[]): string {
  if (pos.length === 1) return REGION_COLORS[pos[0]];
  return pos.length === 0 ? colors.ink : BOTH;
}

function render(runs: RunSet): FigureOutput {
  const used = selectRuns(runs, N3_SEEDS);
  const best = bestRun(used);
  const n = best.meta.config.data.n;
  const vectors = featureVectors(best.W, best.meta.config.m, n);
  const extent = 1.25 * Math.max(...vectors.map(norm));
  const grid: { h: Vec2; pos: number[] }[] = [];
  for (let a = 0; a < GRID; a++) {
    for (let b = 0; b < GRID; b++) {
      const h: Vec2 = [-extent + (2 * extent * a) / (GRID - 1), -extent + (2 * extent * b) / (GRID - 1)];
      grid.push({ h, pos: positiveSet(vectors, h) });
    }
  }
  const share = singlePositiveShare(vectors);

  // Left: the latent plane.
  const boundaries = vectors.map((w) => {
    const r = norm(w);
    const d: Vec2 = [-w[1] / r, w[0] / r];
    return { x1: -d[0] * 2 * extent, y1: -d[1] * 2 * extent, x2: d[0] * 2 * extent, y2: d[1] * 2 * extent };
  });
  const size = 330;
  const plane: PlotOptions = {
    width: size,
    height: size,
    marginTop: 6, marginRight: 6, marginBottom: 24, marginLeft: 30,
    x: { domain: [-extent, extent], ticks: [-1, 0, 1], tickFormat: signed, label: null },
    y: { domain: [-extent, extent], ticks: [-1, 0, 1], tickFormat: signed, label: null },
    marks: [
      Plot.dot(grid, { x: (d) => d.h[0], y: (d) => d.h[1], r: 3.2, fill: (d: { pos: number[] }) => colorOf(d.pos), fillOpacity: 0.75 }),
      Plot.link(boundaries, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: colors.ink, strokeWidth: 0.8, strokeDasharray: '4,3', clip: true }),
      Plot.arrow(vectors.map((w) => ({ x: w[0], y: w[1] })), { x1: 0, y1: 0, x2: 'x', y2: 'y', stroke: colors.ink, strokeWidth: 2.2, headLength: 10 }),
      Plot.text(vectors.map((w, i) => ({ x: w[0] * 1.16, y: w[1] * 1.16, t: featureLabel(i) })), {
        x: 'x', y: 'y', text: 't', fontSize: fontSize.label + 2, fontWeight: 'bold', fill: colors.ink, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke',
      }),
    ],
  };

  // Right: ReLU(Wᵀh) in R³.
  const L = Math.max(...grid.map(({ h }) => Math.max(...vectors.map((w) => w[0] * h[0] + w[1] * h[1])))) * 1.05;
  const axes: Primitive[] = [0, 1, 2].flatMap((k): Primitive[] => {
    const tip = [0, 1, 2].map((j) => (j === k ? L : 0)) as unknown as Vec3;
    return [
      { kind: 'segment', from: [0, 0, 0], to: tip, stroke: colors.ink, strokeWidth: 1 },
      { kind: 'text', at: tip.map((c) => c * 1.1) as unknown as Vec3, text: `axis ${k + 1}`, fontSize: fontSize.tick, fill: REGION_COLORS[k], fontWeight: 'bold' },
    ];
  });
  const faces: Primitive[] = [
    [[0, 0, 0], [L, 0, 0], [L, L, 0], [0, L, 0]],
    [[0, 0, 0], [0, L, 0], [0, L, L], [0, 0, L]],
    [[0, 0, 0], [L, 0, 0], [L, 0, L], [0, 0, L]],
  ].map((pts): Primitive => ({ kind: 'face', points: pts as unknown as Vec3[], fill: colors.muted, fillOpacity: 0.06, stroke: colors.grid }));
  const dots = grid.map(({ h, pos }): Primitive => ({
    kind: 'point',
    at: vectors.map((w) => Math.max(0, w[0] * h[0] + w[1] * h[1])) as unknown as Vec3,
    r: 2.4,
    fill: colorOf(pos),
    opacity: 0.8,
  }));
  const items = projectScene(camera(VIEW.azimuth, VIEW.elevation), [...faces, ...axes, ...dots]);
  const space: PlotOptions = { ...scenePanel(items, 330, 0.1), marks: sceneMarks(items) };

  const seed = best.meta.config.seed;
  const percent = (x: number): string => `${Math.round(100 * x)} %`;
  const svg = renderGrid(
    {
      rows: [
        [
          {
            heading: [{ text: 'Latent plane: signs of Wᵀh', weight: 'bold' }],
            plot: plane,
            footer: [{ text: `seed ${seed}, lowest final loss of ${used.length} (${formatLoss(best.meta.finalLoss)})`, size: fontSize.tick }],
          },
          {
            heading: [{ text: 'After ReLU, in R³', weight: 'bold' }],
            plot: space,
            footer: [{ text: `${percent(share.total)} of directions snap to a single axis`, size: fontSize.tick }],
          },
        ],
      ],
      gap: { x: 30, y: 0 },
    },
    {
      id: 'relu-regions-3d',
      title: 'Regions of the latent plane of a trained n = 3, m = 2 model by the signs of Wᵀh',
      desc:
        `Left: a ${GRID} by ${GRID} grid of latent points h of run ${best.experiment.id}, coloured by which of the three coordinates ` +
        `of Wᵀh are positive: blue, orange and green where only coordinate 1, 2 or 3 is positive, grey where two are. Dashed lines ` +
        `are the boundaries Wᵢ·h = 0 and arrows the feature vectors W₁, W₂, W₃, each inside its own single-positive region. ` +
        `Right: the same points after ReLU in three dimensions; the coloured points lie on the three coordinate axes and the grey ` +
        `ones on the coordinate faces. ${percent(share.total)} of directions in the plane have exactly one positive coordinate.`,
    },
  );
  return {
    svg,
    provenance: provenanceLine(used, {
      note: `drawn: ${best.experiment.id} #${hash8(best.hash)} (lowest final loss of ${used.length} seeds); grid ${GRID} × ${GRID}; shares from ${DIRECTIONS} directions`,
    }),
    numbers: {
      'relu-regions-3d.seed': String(seed),
      'relu-regions-3d.loss': formatLoss(best.meta.finalLoss),
      'relu-regions-3d.singleShare': percent(share.total),
      'relu-regions-3d.singleShares': share.perFeature.map(percent).join(', '),
    },
  };
}

function signed(t: number): string {
  return t < 0 ? `−${-t}` : String(t);
}

const figure: Figure = {
  id: 'relu-regions-3d',
  needs: N3_SEEDS,
  caption:
    'Three features in a two-dimensional latent space, no bias, trained on the three one-hot examples; of five seeds we draw ' +
    'the one with the lowest final loss. Left: each point $h$ of a grid in the latent plane is coloured by which coordinates ' +
    'of $W^\\top h$ are positive. In the three coloured wedges only one coordinate is positive, and each feature vector $W_i$ ' +
    'lies in its own wedge; in the grey wedges two coordinates are positive. Right: after ReLU the coloured points land on ' +
    'the three axes of $\\mathbb{R}^3$, each region on its own axis, and the grey points on the faces between two axes.',
  render,
};

export default figure;
