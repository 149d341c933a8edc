/**
 * `projection-3d`: what multiplying by W and then by Wᵀ does when W has orthonormal rows.
 * A seeded cloud of points in R³ is projected orthogonally onto a plane through the
 * origin; the left panel shows the cloud, the plane and the drop lines in 3-D, the right
 * panel the plane seen face-on, in the coordinates h = W x that the model keeps.
 *
 * No runs: the cloud is drawn from seed 0 of the project's data stream and the plane is
 * fixed by its stated normal, so everything is computed from those two inputs.
 */
import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { randomStream } from '../../../pipeline/data/rng.ts';
import { camera, dot3, projectScene, sceneMarks, scenePanel, type Primitive, type Vec3 } from '../../../pipeline/render/camera3d.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';

/** Number of points in the cloud, the seed of the data stream, and the cloud's spread. */
export const CLOUD_POINTS = 16;
export const CLOUD_SEED = 0;
const CLOUD_SCALE = 0.7;
/** The plane's normal (unnormalised): a plane tilted away from the x-y plane. */
export const PLANE_NORMAL: Vec3 = [1, -1, 4];
/** Half-width of the drawn patch of the plane. */
const PATCH = 2;
const VIEW = { azimuth: -60, elevation: 20 };

const scale = (p: Vec3, s: number): Vec3 => [p[0] * s, p[1] * s, p[2] * s];
const add = (p: Vec3, q: Vec3): Vec3 => [p[0] + q[0], p[1] + q[1], p[2] + q[2]];
const unit = (p: Vec3): Vec3 => scale(p, 1 / Math.sqrt(dot3(p, p)));
const cross = (p: Vec3, q: Vec3): Vec3 => [p[1] * q[2] - p[2] * q[1], p[2] * q[0] - p[0] * q[2], p[0] * q[1] - p[1] * q[0]];

/** The seeded cloud: independent normal coordinates, scaled. */
export function pointCloud(count = CLOUD_POINTS, seed = CLOUD_SEED): Vec3[] {
  const stream = randomStream(seed, 'data');
  return Array.from({ length: count }, (): Vec3 => [stream.normal(), stream.normal(), stream.normal()].map((v) => v * CLOUD_SCALE) as unknown as Vec3);
}

/** Orthonormal rows u, v spanning the plane orthogonal to `normal` (u is horizontal). */
export function planeBasis(normal: Vec3): { u: Vec3; v: Vec3; n: Vec3 } {
  const n = unit(normal);
  const u = unit(cross([0, 0, 1], n));
  const v = cross(n, u);
  return { u, v, n };
}

const figure: Figure = {
  id: 'projection-3d',
  needs: [],
  caption:
    'Orthogonal projection onto a plane. Left: a cloud of points in three dimensions (dark dots), the plane through the origin ' +
    '(shaded), and for each point the drop line to its foot on the plane (open circles); parts of the scene below the plane are ' +
    'drawn dashed or faded. Right: the same feet seen face-on, in the two coordinates $h = Wx$ that a $2 \\times 3$ matrix $W$ ' +
    'with orthonormal rows assigns them. Multiplying by $W^\\top$ puts $h$ back on the plane in three dimensions; the ' +
    'distance along the drop line is what is lost.',
  render() {
    const cloud = pointCloud();
    const { u, v, n } = planeBasis(PLANE_NORMAL);
    const feet = cloud.map((p) => add(p, scale(n, -dot3(p, n))));
    const h = cloud.map((p) => [dot3(p, u), dot3(p, v)] as const);
    const total = cloud.reduce((s, p) => s + dot3(p, p), 0);
    const kept = h.reduce((s, [a, b]) => s + a * a + b * b, 0);

    const corners: Vec3[] = [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ].map(([a, b]) => add(scale(u, a * PATCH), scale(v, b * PATCH)));
    const primitives: Primitive[] = [
      { kind: 'face', points: corners, fill: colors.feature, fillOpacity: 0.12, stroke: colors.muted },
      { kind: 'segment', from: scale(u, -PATCH), to: scale(u, PATCH), stroke: colors.grid },
      { kind: 'segment', from: scale(v, -PATCH), to: scale(v, PATCH), stroke: colors.grid },
      ...cloud.map((p, k): Primitive => ({ kind: 'segment', from: p, to: feet[k], stroke: colors.muted, strokeWidth: 1.2 })),
      ...feet.map((p): Primitive => ({ kind: 'point', at: p, r: 3, fill: 'white', stroke: colors.hidden })),
      ...cloud.map((p): Primitive => ({ kind: 'point', at: p, r: 3.5, fill: colors.ink })),
      { kind: 'point', at: [0, 0, 0], r: 2, fill: colors.muted },
      { kind: 'text', at: add(scale(u, PATCH), scale(v, -PATCH)), text: 'plane', dx: 4, dy: 10, textAnchor: 'start', fill: colors.muted, fontSize: fontSize.label },
    ];
    const items = projectScene(camera(VIEW.azimuth, VIEW.elevation), primitives);
    const panelWidth = 400;
    const scene: PlotOptions = { ...scenePanel(items, panelWidth, 0.15), marks: sceneMarks(items) };

    const extent = PATCH + 0.3;
    const flatSize = 260;
    const flat: PlotOptions = {
      width: flatSize,
      height: flatSize,
      marginTop: 6,
      marginRight: 6,
      marginBottom: 26,
      marginLeft: 30,
      x: { domain: [-extent, extent], ticks: [-2, -1, 0, 1, 2], tickFormat: signed, label: null },
      y: { domain: [-extent, extent], ticks: [-2, -1, 0, 1, 2], tickFormat: signed, label: null },
      marks: [
        Plot.frame({ stroke: colors.muted }),
        Plot.ruleX([0], { stroke: colors.grid }),
        Plot.ruleY([0], { stroke: colors.grid }),
        Plot.dot(
          h.map(([a, b]) => ({ a, b })),
          { x: 'a', y: 'b', r: 3, fill: 'white', stroke: colors.hidden },
        ),
      ],
    };
    const svg = renderGrid(
      {
        rows: [
          [
            { heading: [{ text: 'Points, plane and drop lines in R³', weight: 'bold' }], plot: scene },
            { heading: [{ text: 'The plane face-on: h = Wx', weight: 'bold' }], plot: flat },
          ],
        ],
        gap: { x: 28, y: 0 },
      },
      {
        id: 'projection-3d',
        title: 'A point cloud projected orthogonally onto a plane',
        desc:
          `Left: ${cloud.length} points in three dimensions, a shaded square patch of a tilted plane through the origin with normal ` +
          `(${PLANE_NORMAL.join(', ')}), and a drop line from each point to its orthogonal projection on the plane, drawn as an open ` +
          'circle; lines and points below the plane are dashed or faded. Right: the projected points in the plane\u2019s own two ' +
          `coordinates. Together they keep ${percent(kept / total)} of the cloud\u2019s squared length.`,
      },
    );
    return {
      svg,
      provenance:
        `Exact geometry: ${cloud.length} points with coordinates ${CLOUD_SCALE} × standard normal from seed ${CLOUD_SEED} of the ` +
        `data stream, projected onto the plane with normal (${PLANE_NORMAL.join(', ')}); no training runs.`,
      numbers: {
        'projection-3d.points': String(cloud.length),
        'projection-3d.keptShare': percent(kept / total),
      },
    };
  },
};

/** Integer tick labels with a true minus sign. */
function signed(t: number): string {
  return t < 0 ? `−${-t}` : String(t);
}

/** 0.6912 → "69 %". */
export function percent(x: number): string {
  return `${Math.round(100 * x)} %`;
}

export default figure;
