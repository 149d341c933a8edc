/**
 * A small orthographic camera for drawing 3-D scenes with Plot.
 *
 * Plot only knows 2-D marks, so a 3-D figure is built in three steps:
 *
 * 1. describe the scene in world coordinates (faces, segments, points, labels);
 * 2. `projectScene` projects it with a camera (azimuth / elevation around the z axis,
 *    z up), works out which parts of each segment and which points are hidden behind a
 *    face, and returns plain 2-D items sorted back to front (painter's order);
 * 3. `sceneMarks` turns those items into Plot marks, in that order, so nearer things are
 *    drawn over farther ones. Hidden segment pieces are dashed, hidden points faded.
 *
 * Faces must be planar convex polygons (a square patch of a plane, a triangle): hidden
 * pieces of a segment are then found exactly by clipping the projected segment against
 * the projected polygon and comparing depths, which are both affine along the segment.
 */
import * as Plot from '@observablehq/plot';

export type Vec3 = readonly [number, number, number];

export interface Camera {
  /** Unit vector from the scene towards the viewer. */
  view: Vec3;
  /** Unit vectors of the screen's x (right) and y (up) directions, in world coordinates. */
  right: Vec3;
  up: Vec3;
}

/**
 * A camera looking at the origin from azimuth `azimuthDeg` (measured in the x-y plane
 * from the x axis towards y) and elevation `elevationDeg` above the x-y plane. The
 * world z axis always projects to screen "up" (for elevations below 90°).
 */
export function camera(azimuthDeg: number, elevationDeg: number): Camera {
  const a = (azimuthDeg * Math.PI) / 180;
  const e = (elevationDeg * Math.PI) / 180;
  return {
    view: [Math.cos(e) * Math.cos(a), Math.cos(e) * Math.sin(a), Math.sin(e)],
    right: [-Math.sin(a), Math.cos(a), 0],
    up: [-Math.sin(e) * Math.cos(a), -Math.sin(e) * Math.sin(a), Math.cos(e)],
  };
}

export function dot3(p: Vec3, q: Vec3): number {
  return p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
}

/** Screen position (x right, y up) and depth (larger = nearer the viewer) of a world point. */
export interface Projected {
  x: number;
  y: number;
  depth: number;
}

export function project(cam: Camera, p: Vec3): Projected {
  return { x: dot3(p, cam.right), y: dot3(p, cam.up), depth: dot3(p, cam.view) };
}

/** Drawing style shared by the primitives (all optional; Plot defaults otherwise). */
export interface Style {
  stroke?: string;
  fill?: string;
  strokeWidth?: number;
  opacity?: number;
  /** Dash pattern for the visible part of a segment (hidden parts always get HIDDEN_DASH). */
  dash?: string;
}

export type Primitive =
  | ({ kind: 'face'; points: Vec3[]; fillOpacity?: number } & Style)
  | ({ kind: 'segment'; from: Vec3; to: Vec3; arrow?: boolean } & Style)
  | ({ kind: 'point'; at: Vec3; r?: number } & Style)
  | ({ kind: 'text'; at: Vec3; text: string; dx?: number; dy?: number; fontSize?: number; fontWeight?: string; textAnchor?: 'start' | 'middle' | 'end' } & Style);

/** A projected primitive, ready to draw. */
export type Item =
  | { kind: 'face'; points: { x: number; y: number }[]; depth: number; style: Style; fillOpacity: number }
  | { kind: 'segment'; x1: number; y1: number; x2: number; y2: number; depth: number; hidden: boolean; arrow: boolean; style: Style }
  | { kind: 'point'; x: number; y: number; depth: number; hidden: boolean; r: number; style: Style }
  | {
      kind: 'text';
      x: number;
      y: number;
      depth: number;
      text: string;
      dx: number;
      dy: number;
      fontSize?: number;
      fontWeight?: string;
      textAnchor: 'start' | 'middle' | 'end';
      style: Style;
    };

/** Dash pattern of hidden segment pieces. */
export const HIDDEN_DASH = '3,3';
/** Opacity multiplier of hidden points. */
export const HIDDEN_OPACITY = 0.35;
/** Depth differences below this (world units) count as "on the face", not behind it. */
const DEPTH_EPSILON = 1e-9;

interface ProjectedFace {
  corners: Projected[];
  /** depth = a x + b y + c on the face's plane (undefined if the face is seen edge-on). */
  plane?: { a: number; b: number; c: number };
}

function projectFace(cam: Camera, points: Vec3[]): ProjectedFace {
  const corners = points.map((p) => project(cam, p));
  if (corners.length < 3) return { corners };
  const [p0, p1, p2] = corners;
  // Solve depth = a x + b y + c through three corners.
  const det = (p1.x - p0.x) * (p2.y - p0.y) - (p2.x - p0.x) * (p1.y - p0.y);
  if (Math.abs(det) < 1e-12) return { corners };
  const a = ((p1.depth - p0.depth) * (p2.y - p0.y) - (p2.depth - p0.depth) * (p1.y - p0.y)) / det;
  const b = ((p2.depth - p0.depth) * (p1.x - p0.x) - (p1.depth - p0.depth) * (p2.x - p0.x)) / det;
  return { corners, plane: { a, b, c: p0.depth - a * p0.x - b * p0.y } };
}

/**
 * The parameter interval [t0, t1] ⊆ [0, 1] of the segment p(t) = P + t (Q − P) that
 * lies inside a convex polygon (Cyrus–Beck clipping), or null.
 */
function clipToPolygon(P: Projected, Q: Projected, polygon: Projected[]): [number, number] | null {
  // Orientation of the polygon, so "inside" is the same side of every edge.
  let area = 0;
  for (let k = 0; k < polygon.length; k++) {
    const u = polygon[k];
    const v = polygon[(k + 1) % polygon.length];
    area += u.x * v.y - v.x * u.y;
  }
  const sign = area >= 0 ? 1 : -1;
  let t0 = 0;
  let t1 = 1;
  const dx = Q.x - P.x;
  const dy = Q.y - P.y;
  for (let k = 0; k < polygon.length; k++) {
    const u = polygon[k];
    const v = polygon[(k + 1) % polygon.length];
    // inside(t) = sign · cross(v − u, p(t) − u) ≥ 0, affine in t: f0 + t df.
    const ex = v.x - u.x;
    const ey = v.y - u.y;
    const f0 = sign * (ex * (P.y - u.y) - ey * (P.x - u.x));
    const df = sign * (ex * dy - ey * dx);
    if (Math.abs(df) < 1e-15) {
      if (f0 < 0) return null;
      continue;
    }
    const t = -f0 / df;
    if (df > 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return null;
  }
  return [t0, t1];
}

/** Where along a segment (parameter intervals) it is hidden by a face. */
function hiddenInterval(P: Projected, Q: Projected, face: ProjectedFace): [number, number] | null {
  if (!face.plane) return null;
  const inside = clipToPolygon(P, Q, face.corners);
  if (!inside) return null;
  const { a, b, c } = face.plane;
  // gap(t) = face depth − segment depth at p(t); hidden where gap > 0 (the face is nearer).
  const g0 = a * P.x + b * P.y + c - P.depth;
  const g1 = a * Q.x + b * Q.y + c - Q.depth;
  let [t0, t1] = inside;
  if (g0 <= DEPTH_EPSILON && g1 <= DEPTH_EPSILON) return null;
  if (g0 > DEPTH_EPSILON && g1 > DEPTH_EPSILON) return t1 - t0 > 1e-12 ? [t0, t1] : null;
  const tCross = g0 / (g0 - g1);
  if (g0 > DEPTH_EPSILON) t1 = Math.min(t1, tCross);
  else t0 = Math.max(t0, tCross);
  return t1 - t0 > 1e-12 ? [t0, t1] : null;
}

/** Whether a projected point is behind a face (inside its outline and farther away). */
function pointHidden(p: Projected, face: ProjectedFace): boolean {
  if (!face.plane) return false;
  if (!clipToPolygon(p, p, face.corners)) return false;
  const { a, b, c } = face.plane;
  return a * p.x + b * p.y + c - p.depth > DEPTH_EPSILON;
}

/** Merge overlapping intervals and return the complementary pieces too, in order. */
function splitByIntervals(hidden: [number, number][]): { t0: number; t1: number; hidden: boolean }[] {
  const sorted = hidden.slice().sort((u, v) => u[0] - v[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  const pieces: { t0: number; t1: number; hidden: boolean }[] = [];
  let t = 0;
  for (const [a, b] of merged) {
    if (a > t + 1e-12) pieces.push({ t0: t, t1: a, hidden: false });
    pieces.push({ t0: a, t1: b, hidden: true });
    t = b;
  }
  if (t < 1 - 1e-12) pieces.push({ t0: t, t1: 1, hidden: false });
  return pieces;
}

/**
 * Project a scene: every primitive becomes one or more 2-D items, sorted far to near.
 * Segments are split where faces hide them; an arrow keeps its head only on the piece
 * that ends at its tip.
 */
export function projectScene(cam: Camera, primitives: readonly Primitive[]): Item[] {
  const faces = primitives.flatMap((p) => (p.kind === 'face' ? [projectFace(cam, p.points)] : []));
  const items: Item[] = [];
  for (const prim of primitives) {
    const style: Style = { stroke: prim.stroke, fill: prim.fill, strokeWidth: prim.strokeWidth, opacity: prim.opacity, dash: prim.dash };
    if (prim.kind === 'face') {
      const corners = prim.points.map((p) => project(cam, p));
      const depth = corners.reduce((s, c) => s + c.depth, 0) / corners.length;
      items.push({ kind: 'face', points: corners.map(({ x, y }) => ({ x, y })), depth, style, fillOpacity: prim.fillOpacity ?? 0.2 });
    } else if (prim.kind === 'segment') {
      const P = project(cam, prim.from);
      const Q = project(cam, prim.to);
      const intervals = faces.flatMap((f) => {
        const h = hiddenInterval(P, Q, f);
        return h ? [h] : [];
      });
      for (const piece of splitByIntervals(intervals)) {
        const at = (t: number): Projected => ({
          x: P.x + t * (Q.x - P.x),
          y: P.y + t * (Q.y - P.y),
          depth: P.depth + t * (Q.depth - P.depth),
        });
        const A = at(piece.t0);
        const B = at(piece.t1);
        items.push({
          kind: 'segment',
          x1: A.x,
          y1: A.y,
          x2: B.x,
          y2: B.y,
          depth: (A.depth + B.depth) / 2,
          hidden: piece.hidden,
          arrow: (prim.arrow ?? false) && piece.t1 >= 1 - 1e-12,
          style,
        });
      }
    } else if (prim.kind === 'point') {
      const p = project(cam, prim.at);
      items.push({ kind: 'point', x: p.x, y: p.y, depth: p.depth, hidden: faces.some((f) => pointHidden(p, f)), r: prim.r ?? 3, style });
    } else {
      const p = project(cam, prim.at);
      items.push({
        kind: 'text',
        x: p.x,
        y: p.y,
        // Labels go on top of everything.
        depth: Infinity,
        text: prim.text,
        dx: prim.dx ?? 0,
        dy: prim.dy ?? 0,
        fontSize: prim.fontSize,
        fontWeight: prim.fontWeight,
        textAnchor: prim.textAnchor ?? 'middle',
        style,
      });
    }
  }
  // Stable sort: equal depths keep the order they were given in.
  return items.map((item, k) => ({ item, k })).sort((u, v) => u.item.depth - v.item.depth || u.k - v.k).map(({ item }) => item);
}

/** The extent of the projected items, for choosing equal-aspect domains. */
export function bounds(items: readonly Item[]): { x: [number, number]; y: [number, number] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const item of items) {
    if (item.kind === 'face') for (const p of item.points) (xs.push(p.x), ys.push(p.y));
    else if (item.kind === 'segment') (xs.push(item.x1, item.x2), ys.push(item.y1, item.y2));
    else (xs.push(item.x), ys.push(item.y));
  }
  return { x: [Math.min(...xs), Math.max(...xs)], y: [Math.min(...ys), Math.max(...ys)] };
}

/**
 * Plot marks for the items, in painter's order (Plot draws marks in the order given).
 * Consecutive items of the same kind and look share one mark, which keeps the SVG small
 * without changing what is drawn over what.
 */
export function sceneMarks(items: readonly Item[]): Plot.Markish[] {
  const groups: Item[][] = [];
  let lastKey = '';
  for (const item of items) {
    const key = groupKey(item);
    if (key === lastKey && key !== 'face') groups[groups.length - 1].push(item);
    else groups.push([item]);
    lastKey = key;
  }
  return groups.map(groupMark);
}

function groupKey(item: Item): string {
  if (item.kind === 'face') return 'face';
  const style = JSON.stringify(item.style);
  if (item.kind === 'segment') return `segment|${item.hidden}|${item.arrow}|${style}`;
  if (item.kind === 'point') return `point|${item.hidden}|${item.r}|${style}`;
  return `text|${item.dx}|${item.dy}|${item.fontSize}|${item.fontWeight}|${item.textAnchor}|${style}`;
}

function groupMark(group: Item[]): Plot.Markish {
  const item = group[0];
  const s = item.style;
  if (item.kind === 'face') {
    const closed = [...item.points, item.points[0]];
    return Plot.line(closed, {
      x: 'x',
      y: 'y',
      fill: s.fill ?? 'currentColor',
      fillOpacity: item.fillOpacity,
      stroke: s.stroke ?? 'none',
      strokeWidth: s.strokeWidth ?? 1,
    });
  }
  if (item.kind === 'segment') {
    const options = {
      x1: 'x1',
      y1: 'y1',
      x2: 'x2',
      y2: 'y2',
      stroke: s.stroke ?? 'currentColor',
      strokeWidth: s.strokeWidth ?? 1,
      strokeOpacity: (s.opacity ?? 1) * (item.hidden ? 0.7 : 1),
      strokeDasharray: item.hidden ? HIDDEN_DASH : s.dash,
    } as const;
    return item.arrow ? Plot.arrow(group, { ...options, headLength: 9 }) : Plot.link(group, options);
  }
  if (item.kind === 'point') {
    return Plot.dot(group, {
      x: 'x',
      y: 'y',
      r: item.r,
      fill: s.fill ?? 'currentColor',
      stroke: s.stroke ?? 'none',
      fillOpacity: (s.opacity ?? 1) * (item.hidden ? HIDDEN_OPACITY : 1),
    });
  }
  return Plot.text(group, {
    x: 'x',
    y: 'y',
    text: 'text',
    dx: item.dx,
    dy: item.dy,
    fill: s.fill ?? 'currentColor',
    fontSize: item.fontSize,
    fontWeight: item.fontWeight,
    textAnchor: item.textAnchor,
  });
}

/**
 * Plot options for an equal-aspect panel (one world unit is the same number of pixels
 * across and up) showing `items` with `pad` world units to spare on each side.
 */
export function scenePanel(items: readonly Item[], width: number, pad: number, margin = 4): {
  width: number;
  height: number;
  x: { domain: [number, number]; axis: null };
  y: { domain: [number, number]; axis: null };
  marginTop: number;
  marginRight: number;
  marginBottom: number;
  marginLeft: number;
} {
  const b = bounds(items);
  const x: [number, number] = [b.x[0] - pad, b.x[1] + pad];
  const y: [number, number] = [b.y[0] - pad, b.y[1] + pad];
  const scale = (width - 2 * margin) / (x[1] - x[0]);
  const height = Math.round((y[1] - y[0]) * scale + 2 * margin);
  // Stretch the y domain to the rounded height so the scale stays exactly equal.
  const extra = ((height - 2 * margin) / scale - (y[1] - y[0])) / 2;
  return {
    width,
    height,
    x: { domain: x, axis: null },
    y: { domain: [y[0] - extra, y[1] + extra], axis: null },
    marginTop: margin,
    marginRight: margin,
    marginBottom: margin,
    marginLeft: margin,
  };
}
