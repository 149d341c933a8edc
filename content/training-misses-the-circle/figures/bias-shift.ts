/**
 * `bias-shift`: adding the same offset to every point moves points, not directions, in
 * step. Seven points at angles 2πk/7 on the unit circle (the days of the week, Monday at
 * angle 0) are shifted by c = (−X, 0), where X is where the line through Tuesday and
 * Wednesday crosses the x axis; by the mirror symmetry of the heptagon the line through
 * Saturday and Sunday crosses at the same point. Seen from the origin, the shifted points
 * then fall on fewer rays than there are points; which ones coincide is computed, not
 * assumed, by grouping directions that agree within ALIGN_TOLERANCE_DEG.
 */
import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { polarAngle, regularPolygon, radiansToDegrees, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatDegrees, formatRatio } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';

export const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** Directions closer than this (degrees) count as lined up. */
export const ALIGN_TOLERANCE_DEG = 0.5;

/** x-intercept of the line through p and q (p[1] ≠ q[1]). */
export function xIntercept(p: Vec2, q: Vec2): number {
  return p[0] - (p[1] * (q[0] - p[0])) / (q[1] - p[1]);
}

/** Groups of point indices whose directions from the origin agree within `toleranceDeg`. */
export function alignedGroups(points: readonly Vec2[], toleranceDeg: number): number[][] {
  const angles = points.map((p) => radiansToDegrees(polarAngle(p)));
  const groups: number[][] = [];
  points.forEach((_, i) => {
    const group = groups.find((g) => {
      const d = Math.abs(angles[g[0]] - angles[i]) % 360;
      return Math.min(d, 360 - d) < toleranceDeg;
    });
    if (group) group.push(i);
    else groups.push([i]);
  });
  return groups;
}

/** The seven points, the offset and the shifted points. */
export function biasShift(): { points: Vec2[]; offset: Vec2; shifted: Vec2[] } {
  const points = regularPolygon(7, 1, 0);
  const X = xIntercept(points[1], points[2]);
  const offset: Vec2 = [-X, 0];
  return { points, offset, shifted: points.map((p): Vec2 => [p[0] + offset[0], p[1] + offset[1]]) };
}

/** Largest angle between two directions of the set (the cone they fill), degrees; 360 if they surround the origin. */
function coneAngle(points: readonly Vec2[]): number {
  const angles = points.map((p) => radiansToDegrees(polarAngle(p))).sort((a, b) => a - b);
  const gaps = angles.map((a, k) => (k + 1 < angles.length ? angles[k + 1] - a : angles[0] + 360 - a));
  const widest = Math.max(...gaps);
  return widest > 180 ? 360 - widest : 360;
}

/** Pixels per unit, shared by both panels so their sizes compare. */
const UNIT_PX = 66;
const PAD = 0.45;

function panel(xDomain: [number, number], yDomain: [number, number], marks: Plot.Markish[]): PlotOptions {
  return {
    width: Math.round((xDomain[1] - xDomain[0]) * UNIT_PX),
    height: Math.round((yDomain[1] - yDomain[0]) * UNIT_PX),
    margin: 0,
    x: { domain: xDomain, axis: null },
    y: { domain: yDomain, axis: null },
    marks,
  };
}

/** Rays from the origin through each point, extended to `reach`. */
function rays(points: readonly Vec2[], reach: number, stroke: (i: number) => string): Plot.Markish {
  const data = points.map((p, i) => {
    const r = Math.hypot(p[0], p[1]);
    return { x2: (p[0] / r) * reach, y2: (p[1] / r) * reach, i };
  });
  return Plot.link(data, { x1: 0, y1: 0, x2: 'x2', y2: 'y2', stroke: (d: { i: number }) => stroke(d.i), strokeWidth: 1.2, clip: true });
}

const figure: Figure = {
  id: 'bias-shift',
  needs: [],
  caption:
    'A shift moves every point by the same amount, but it does not move their directions alike. Left: seven points evenly spaced ' +
    'on the unit circle, one per day of the week, with the ray from the origin through each; the seven rays are $360°/7$ apart. ' +
    'Right: the same points after adding one offset $c$ to all of them, chosen so that the origin lies on the line through ' +
    'Tuesday and Wednesday. Seen from the origin, the seven directions now crowd into a narrow cone, and pairs of days that ' +
    'were far apart share a ray (red).',
  render() {
    const { points, offset, shifted } = biasShift();
    const groups = alignedGroups(shifted, ALIGN_TOLERANCE_DEG);
    const aligned = groups.filter((g) => g.length > 1);
    const inPair = new Set(aligned.flat());
    const cone = coneAngle(shifted);

    const circle = Array.from({ length: 121 }, (_, k) => ({ x: Math.cos((2 * Math.PI * k) / 120), y: Math.sin((2 * Math.PI * k) / 120) }));
    const label = (p: Vec2, i: number, out: Vec2) => ({ x: p[0] + 0.28 * out[0], y: p[1] + 0.28 * out[1], text: DAYS[i] });
    const origin = [{ x: 0, y: 0 }];

    const before = panel([-1.9, 1.9], [-1.5, 1.5], [
      rays(points, 1.35, () => colors.muted),
      Plot.line(circle, { x: 'x', y: 'y', stroke: colors.grid }),
      Plot.dot(points.map(([x, y]) => ({ x, y })), { x: 'x', y: 'y', r: 4.5, fill: colors.feature }),
      Plot.dot(origin, { x: 'x', y: 'y', r: 3.5, fill: colors.ink }),
      Plot.text(points.map((p, i) => label(p, i, p)), { x: 'x', y: 'y', text: 'text', fontSize: fontSize.tick, fill: colors.ink }),
    ]);

    const left = offset[0] - 1 - PAD;
    const shiftedCircle = circle.map(({ x, y }) => ({ x: x + offset[0], y: y + offset[1] }));
    const after = panel([left, PAD], [-1.5, 1.5], [
      rays(shifted, Math.hypot(left, 1.5), (i) => (inPair.has(i) ? colors.accent : colors.muted)),
      Plot.line(shiftedCircle, { x: 'x', y: 'y', stroke: colors.grid }),
      // The offset, drawn below the scene from where the circle's centre was to where it is.
      Plot.arrow([{ x1: 0, y1: -1.32, x2: offset[0], y2: -1.32 }], {
        x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: colors.ink, strokeWidth: 1, headLength: 7,
      }),
      Plot.text([{ x: offset[0] / 2, y: -1.32 }], { x: 'x', y: 'y', text: () => 'offset c', dy: -8, fontSize: fontSize.tick, fill: colors.ink }),
      Plot.dot(shifted.map(([x, y], i) => ({ x, y, i })), {
        x: 'x', y: 'y', r: 4.5, fill: (d: { i: number }) => (inPair.has(d.i) ? colors.accent : colors.feature),
      }),
      Plot.dot(origin, { x: 'x', y: 'y', r: 3.5, fill: colors.ink }),
      Plot.text([{ x: 0, y: 0 }], { x: 'x', y: 'y', text: () => 'origin', dx: -4, dy: 14, textAnchor: 'end', fontSize: fontSize.tick }),
      Plot.text(shifted.map((p, i) => label(p, i, points[i])), { x: 'x', y: 'y', text: 'text', fontSize: fontSize.tick, fill: colors.ink }),
    ]);

    const pairs = aligned.map((g) => g.map((i) => DAYS[i]).join(' & '));
    const svg = renderGrid(
      {
        rows: [
          [
            { heading: [{ text: 'Seven directions, evenly spaced', weight: 'bold' }], plot: before, footer: [{ text: `${points.length} rays, ${formatDegrees(360 / points.length)} apart`, size: fontSize.tick }] },
            {
              heading: [{ text: 'After adding the offset c', weight: 'bold' }],
              plot: after,
              footer: [{ text: `${groups.length} distinct rays within a ${formatDegrees(cone)} cone; shared: ${pairs.join(', ')}`, size: fontSize.tick }],
            },
          ],
        ],
        gap: { x: 30, y: 0 },
      },
      {
        id: 'bias-shift',
        title: 'Seven evenly spaced directions before and after a common offset',
        desc:
          'Left: seven points at angles 2πk/7 on the unit circle labelled Mon to Sun, each with a ray from the origin. Right: the same ' +
          `points shifted by c = (−${formatRatio(-offset[0])}, 0); rays from the origin through them fill a cone of ${formatDegrees(cone)}, ` +
          `and ${pairs.join(' and ')} lie on a common ray, leaving ${groups.length} distinct directions.`,
      },
    );
    return {
      svg,
      provenance:
        `Exact geometry: seven points at angles 2πk/7 on the unit circle, shifted by c = (−X, 0) with X = ${formatRatio(-offset[0], 3)} ` +
        `the x-intercept of the line through the points k = 1 and k = 2; directions within ${ALIGN_TOLERANCE_DEG}° counted as one; no training runs.`,
      numbers: {
        'bias-shift.offset': formatRatio(-offset[0]),
        'bias-shift.distinctRays': String(groups.length),
        'bias-shift.cone': formatDegrees(cone),
        'bias-shift.pairs': pairs.join(' and '),
      },
    };
  },
};

export default figure;
