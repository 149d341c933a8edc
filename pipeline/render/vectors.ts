/**
 * Marks for vectors drawn from the origin in a 2-D panel (feature vectors W_i, hidden
 * vectors h_t): many segments as ONE path, and the rule that lets a panel of 10,000
 * feature vectors stay small without hiding any of them.
 */
import * as Plot from '@observablehq/plot';
import { norm, type Vec2 } from '../analysis/geometry.ts';
import { colors } from './theme.ts';
import { SVG_NS } from './compose.ts';

/** A closed circle of radius r as `points` + 1 points (the last repeats the first). */
export function circlePoints(r: number, points = 48): { x: number; y: number }[] {
  return Array.from({ length: points + 1 }, (_, k) => {
    const a = (2 * Math.PI * k) / points;
    return { x: r * Math.cos(a), y: r * Math.sin(a) };
  });
}

/**
 * Segments from the origin to each tip as ONE path (points separated by NaN breaks):
 * one <path> per panel instead of one per vector.
 */
export function spokes(tips: readonly Vec2[]): { x: number; y: number }[] {
  return tips.flatMap((v) => [
    { x: 0, y: 0 },
    { x: v[0], y: v[1] },
    { x: NaN, y: NaN },
  ]);
}

/**
 * Feature vectors as spokes from the origin. Those shorter than `drawFraction` of the
 * longest are not drawn one by one (at panel size they would be a pixel or two long): a
 * grey disc whose radius is the longest of them marks where they all lie, so the picture
 * stays faithful while the file stays small. Returns the marks, how many vectors were
 * drawn individually and the longest norm (panels scale to it).
 */
export function featureSpokes(features: readonly Vec2[], drawFraction: number): { marks: Plot.Markish[]; drawn: number; longest: number } {
  const norms = features.map(norm);
  const longest = Math.max(...norms, 1e-12);
  const cut = drawFraction * longest;
  const drawn = features.filter((_, i) => norms[i] >= cut);
  const hiddenRadius = Math.max(0, ...norms.filter((r) => r < cut));
  return {
    drawn: drawn.length,
    longest,
    marks: [
      Plot.line(circlePoints(hiddenRadius), { x: 'x', y: 'y', fill: colors.muted, fillOpacity: 0.5, stroke: 'none' }),
      Plot.line(spokes(drawn), { x: 'x', y: 'y', stroke: colors.feature, strokeWidth: 1, strokeOpacity: 0.75 }),
    ],
  };
}

/**
 * Many small translucent dots (a cloud of hidden vectors) as Plot.dot, drawn as a few
 * <path>s instead of one <circle> per dot: a redraw in the reader's browser spends most
 * of its time creating, parsing and laying out elements, so 400 dots cost four times a
 * panel's other marks (npm run bench -- --explore). The picture is the same: dots of one
 * colour and opacity give each pixel a colour set only by how many dots cover it, so
 * dots that do not overlap can share a path (one fill, nothing counted twice) and those
 * that do go to different paths, which stack as separate circles would. Each dot takes
 * the first path where it overlaps no earlier dot (neighbours found in a grid of cells
 * one diameter wide), so a sparse cloud is one path and a dense one a few. The mark stays
 * a Plot.dot, so the figure's CSV lists every dot as before.
 */
export function dotCloud(tips: readonly Vec2[], style: { r: number; fill: string; fillOpacity: number }): Plot.Markish {
  const { r, fill, fillOpacity } = style;
  return Plot.dot(
    tips.map(([x, y]) => ({ x, y })),
    {
      x: 'x',
      y: 'y',
      r,
      fill,
      fillOpacity,
      render(index, _scales, values, _dimensions, context) {
        const X = values.x as ArrayLike<number>;
        const Y = values.y as ArrayLike<number>;
        const paths = layerPaths(index, X, Y, r);
        const group = context.document.createElementNS(SVG_NS, 'g');
        group.setAttribute('fill', fill);
        group.setAttribute('fill-opacity', String(fillOpacity));
        for (const d of paths) {
          const path = context.document.createElementNS(SVG_NS, 'path');
          path.setAttribute('d', d);
          group.append(path);
        }
        return group;
      },
    },
  );
}

/** The `d` of each layer: dots that overlap (centres under one diameter apart) never share a layer. */
export function layerPaths(index: readonly number[], X: ArrayLike<number>, Y: ArrayLike<number>, r: number): string[] {
  const diameter = 2 * r;
  // Earlier dots by grid cell (key cx * 2^20 + cy; panels are far smaller than 2^20 cells).
  const cells = new Map<number, number[]>();
  const layerOf = new Int32Array(X.length);
  // seenBy[layer] === i: an earlier dot in that layer overlaps dot i.
  const seenBy: number[] = [];
  const layers: string[][] = [];
  const arcs = `a${r},${r} 0 1,0 ${diameter},0a${r},${r} 0 1,0 ${-diameter},0`;
  for (const i of index) {
    const x = X[i];
    const y = Y[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const cx = Math.floor(x / diameter);
    const cy = Math.floor(y / diameter);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const cell = cells.get((cx + dx) * 1_048_576 + (cy + dy));
        if (!cell) continue;
        for (const j of cell) {
          const ex = X[j] - x;
          const ey = Y[j] - y;
          if (ex * ex + ey * ey < diameter * diameter) seenBy[layerOf[j]] = i;
        }
      }
    }
    let layer = 0;
    while (seenBy[layer] === i) layer++;
    layerOf[i] = layer;
    const key = cx * 1_048_576 + cy;
    const cell = cells.get(key);
    if (cell) cell.push(i);
    else cells.set(key, [i]);
    // Coordinates are rounded to 0.01 px with the rest of the SVG (compose.ts).
    (layers[layer] ??= []).push(`M${x - r},${y}${arcs}`);
  }
  return layers.map((parts) => parts.join(''));
}
