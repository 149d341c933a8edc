/**
 * Marks for vectors drawn from the origin in a 2-D panel (feature vectors W_i, hidden
 * vectors h_t): many segments as ONE path, and the rule that lets a panel of 10,000
 * feature vectors stay small without hiding any of them.
 */
import * as Plot from '@observablehq/plot';
import { norm, type Vec2 } from '../analysis/geometry.ts';
import { colors } from './theme.ts';

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
