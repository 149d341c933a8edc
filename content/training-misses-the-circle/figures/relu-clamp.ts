/**
 * `relu-clamp`: random points before (top row) and after (bottom row) a coordinate-wise
 * ReLU, in one, two and three dimensions. Each point is coloured by where ReLU sends it:
 * unchanged (all coordinates positive), onto a face (3-D: one coordinate clamped), onto
 * an axis (exactly one coordinate positive), or to the origin (none positive).
 *
 * The points are standard normal coordinates drawn from seed 0 of the project's data
 * stream, first the 1-D points, then the 2-D, then the 3-D ones; no runs.
 */
import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { randomStream } from '../../../pipeline/data/rng.ts';
import { camera, projectScene, sceneMarks, scenePanel, type Primitive, type Vec3 } from '../../../pipeline/render/camera3d.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';

export const CLAMP_SEED = 0;
export const CLAMP_COUNTS = { d1: 30, d2: 150, d3: 150 } as const;
/** Coordinates are drawn within ±LIMIT (larger draws are redrawn) so every panel has the same frame. */
const LIMIT = 2.4;
const VIEW = { azimuth: 35, elevation: 24 };

/** Where ReLU sends a point, by its number of positive coordinates (d = dimension). */
export type Fate = 'origin' | 'axis' | 'face' | 'unchanged';

export function fate(p: readonly number[]): Fate {
  const positive = p.filter((c) => c > 0).length;
  if (positive === 0) return 'origin';
  if (positive === p.length) return 'unchanged';
  return positive === 1 ? 'axis' : 'face';
}

const FATE_COLOR: Record<Fate, string> = {
  origin: colors.ink,
  axis: colors.accent,
  face: colors.feature,
  unchanged: colors.muted,
};

const relu = (p: readonly number[]): number[] => p.map((c) => Math.max(0, c));

/** The three point sets, drawn in order from one stream. */
export function clampPoints(seed = CLAMP_SEED): { d1: number[][]; d2: number[][]; d3: number[][] } {
  const stream = randomStream(seed, 'data');
  const coordinate = (): number => {
    for (;;) {
      const z = stream.normal();
      if (Math.abs(z) <= LIMIT) return z;
    }
  };
  const draw = (count: number, d: number) => Array.from({ length: count }, () => Array.from({ length: d }, coordinate));
  return { d1: draw(CLAMP_COUNTS.d1, 1), d2: draw(CLAMP_COUNTS.d2, 2), d3: draw(CLAMP_COUNTS.d3, 3) };
}

export function countFates(points: readonly number[][]): Record<Fate, number> {
  const counts: Record<Fate, number> = { origin: 0, axis: 0, face: 0, unchanged: 0 };
  for (const p of points) counts[fate(p)] += 1;
  return counts;
}

const PANEL = 230;
const R = LIMIT + 0.2;

/** 1-D: points on a number line; after ReLU the ones sent to 0 are stacked in a column to show how many. */
function linePanel(values: number[], after: boolean): PlotOptions {
  // The empty space above the "before" number line holds the colour key.
  const top = 0.6 + (2 * R - 1.2);
  const key = after ? [] : LEGEND.map(({ fate: f, text }, k) => ({ x: -R, y: top - 0.45 - 0.5 * k, text: `● ${text}`, fill: FATE_COLOR[f] }));
  let stacked = 0;
  const data = values.map((v) => {
    const x = after ? Math.max(0, v) : v;
    const y = after && v <= 0 ? 0.32 * ++stacked : 0;
    return { x, y, fate: fate([v]) };
  });
  return {
    width: PANEL,
    height: PANEL,
    marginTop: 6, marginRight: 8, marginBottom: 26, marginLeft: 8,
    x: { domain: [-R, R], ticks: [-2, -1, 0, 1, 2], tickFormat: signed, label: null },
    y: { domain: [-0.6, 0.6 + (2 * R - 1.2)], axis: null },
    marks: [
      Plot.ruleY([0], { stroke: colors.muted }),
      Plot.ruleX([0], { stroke: colors.grid }),
      Plot.dot(data, { x: 'x', y: 'y', r: 3.5, fill: (d: { fate: Fate }) => FATE_COLOR[d.fate], fillOpacity: 0.85 }),
      Plot.text(key, { x: 'x', y: 'y', text: 'text', fill: 'fill', textAnchor: 'start', fontSize: fontSize.tick }),
    ],
  };
}

function planePanel(points: number[][], after: boolean, atOrigin: number): PlotOptions {
  const data = points.map((p) => {
    const q = after ? relu(p) : p;
    return { x: q[0], y: q[1], fate: fate(p) };
  });
  const marks: Plot.Markish[] = [
    Plot.ruleX([0], { stroke: colors.muted }),
    Plot.ruleY([0], { stroke: colors.muted }),
    Plot.dot(data, { x: 'x', y: 'y', r: 3, fill: (d: { fate: Fate }) => FATE_COLOR[d.fate], fillOpacity: 0.7 }),
  ];
  if (after) marks.push(originLabel(atOrigin));
  return {
    width: PANEL,
    height: PANEL,
    marginTop: 6, marginRight: 8, marginBottom: 26, marginLeft: 28,
    x: { domain: [-R, R], ticks: [-2, -1, 0, 1, 2], tickFormat: signed, label: null },
    y: { domain: [-R, R], ticks: [-2, -1, 0, 1, 2], tickFormat: signed, label: null },
    marks,
  };
}

function originLabel(count: number): Plot.Markish {
  return Plot.text([{ x: 0, y: 0 }], { x: 'x', y: 'y', text: () => `${count} at 0`, dx: -6, dy: -10, textAnchor: 'end', fontSize: fontSize.tick });
}

function spacePanel(points: number[][], after: boolean, atOrigin: number): PlotOptions {
  const L = R;
  const axes: Primitive[] = [0, 1, 2].flatMap((k): Primitive[] => {
    const tip = [0, 0, 0].map((_, j) => (j === k ? L : 0)) as unknown as Vec3;
    const back = [0, 0, 0].map((_, j) => (j === k ? -L : 0)) as unknown as Vec3;
    const label = ['x₁', 'x₂', 'x₃'][k];
    return [
      { kind: 'segment', from: back, to: tip, stroke: colors.muted },
      { kind: 'text', at: tip.map((c) => c * 1.08) as unknown as Vec3, text: label, fontSize: fontSize.tick, fill: colors.ink },
    ];
  });
  // After ReLU: the three quarter-planes bounding the positive octant, where the clamped points land.
  const faces: Primitive[] = after
    ? [
        [[0, 0, 0], [L, 0, 0], [L, L, 0], [0, L, 0]],
        [[0, 0, 0], [0, L, 0], [0, L, L], [0, 0, L]],
        [[0, 0, 0], [L, 0, 0], [L, 0, L], [0, 0, L]],
      ].map((pts): Primitive => ({ kind: 'face', points: pts as unknown as Vec3[], fill: colors.feature, fillOpacity: 0.05, stroke: colors.grid }))
    : [];
  const dots = points.map((p): Primitive => {
    const q = after ? relu(p) : p;
    return { kind: 'point', at: q as unknown as Vec3, r: 2.6, fill: FATE_COLOR[fate(p)], opacity: 0.85 };
  });
  const extra: Primitive[] = after ? [{ kind: 'text', at: [0, 0, 0], text: `${atOrigin} at 0`, dx: -6, dy: 14, textAnchor: 'end', fontSize: fontSize.tick }] : [];
  const items = projectScene(camera(VIEW.azimuth, VIEW.elevation), [...faces, ...axes, ...dots, ...extra]);
  // Same frame before and after: fit the axes and every point in both states.
  const all = points.flatMap((p): Primitive[] => [p, relu(p)].map((q) => ({ kind: 'point', at: q as unknown as Vec3 })));
  const frame = projectScene(camera(VIEW.azimuth, VIEW.elevation), [...axes, ...all]);
  const panel = scenePanel(frame, PANEL + 30, 0.1);
  return { ...panel, marks: sceneMarks(items) };
}

function signed(t: number): string {
  return t < 0 ? `−${-t}` : String(t);
}

const LEGEND: { fate: Fate; text: string }[] = [
  { fate: 'unchanged', text: 'all coordinates > 0: unchanged' },
  { fate: 'face', text: 'two > 0: onto a face' },
  { fate: 'axis', text: 'one > 0: onto an axis' },
  { fate: 'origin', text: 'none > 0: to the origin' },
];

const figure: Figure = {
  id: 'relu-clamp',
  needs: [],
  caption:
    'ReLU applied coordinate by coordinate to random points in one, two and three dimensions (top: before, bottom: after). ' +
    'Every negative coordinate becomes zero, so a point with some negative coordinates is pushed onto the boundary of the ' +
    'positive region: onto a face, onto an axis, or all the way to the origin. Colours mark where each point goes. Points ' +
    'that differ only in their negative coordinates end up in the same place.',
  render() {
    const pts = clampPoints();
    const c1 = countFates(pts.d1);
    const c2 = countFates(pts.d2);
    const c3 = countFates(pts.d3);
    const svg = renderGrid(
      {
        rows: [
          [
            { heading: [{ text: '1-D', weight: 'bold' }], plot: linePanel(pts.d1.map((p) => p[0]), false) },
            { heading: [{ text: '2-D', weight: 'bold' }], plot: planePanel(pts.d2, false, c2.origin) },
            { heading: [{ text: '3-D', weight: 'bold' }], plot: spacePanel(pts.d3, false, c3.origin) },
          ],
          [
            { plot: linePanel(pts.d1.map((p) => p[0]), true), footer: [`${c1.origin} of ${pts.d1.length} stacked at 0`] },
            { plot: planePanel(pts.d2, true, c2.origin), footer: [`${c2.axis} of ${pts.d2.length} on an axis`] },
            {
              plot: spacePanel(pts.d3, true, c3.origin),
              footer: [`${c3.axis} on an axis, ${c3.face} on a face`],
            },
          ],
        ],
        rowLabels: ['before ReLU', 'after ReLU'],
        gap: { x: 14, y: 10 },
      },
      {
        id: 'relu-clamp',
        title: 'Random points before and after ReLU in one, two and three dimensions',
        desc:
          `Top row: ${pts.d1.length} random numbers on a line, ${pts.d2.length} random points in the plane and ${pts.d3.length} in space. ` +
          `Bottom row: the same points after ReLU. In 1-D, ${c1.origin} negative numbers pile up at zero. In 2-D, ${c2.axis} points ` +
          `land on an axis and ${c2.origin} at the origin. In 3-D, ${c3.axis} land on an axis, ${c3.face} on a coordinate face and ` +
          `${c3.origin} at the origin; only points with every coordinate positive stay where they were.`,
      },
    );
    return {
      svg,
      provenance:
        `Exact map of random points: standard normal coordinates (redrawn outside ±${LIMIT}) from seed ${CLAMP_SEED} of the data stream, ` +
        `${pts.d1.length} in 1-D, ${pts.d2.length} in 2-D, ${pts.d3.length} in 3-D; no training runs.`,
      numbers: {
        'relu-clamp.points1d': String(pts.d1.length),
        'relu-clamp.atZero1d': String(c1.origin),
        'relu-clamp.points2d': String(pts.d2.length),
        'relu-clamp.onAxis2d': String(c2.axis),
        'relu-clamp.atOrigin2d': String(c2.origin),
        'relu-clamp.points3d': String(pts.d3.length),
        'relu-clamp.onAxis3d': String(c3.axis),
        'relu-clamp.onFace3d': String(c3.face),
        'relu-clamp.atOrigin3d': String(c3.origin),
      },
    };
  },
};

export default figure;
