/**
 * How much of a set of hidden vectors lies on one circle: the share within ±RING_TOLERANCE
 * of their median length, and that median. A memorizing T-gon scores 1 (every example on
 * the circle); a cloud of examples along a few feature directions scores low. Used for the
 * regime panels, to say in numbers what the bottom row shows.
 */
import { norm, type Vec2 } from '../../../pipeline/analysis/geometry.ts';

/** "On the circle": within 10 % of the median length. */
export const RING_TOLERANCE = 0.1;

export function ringShare(vectors: readonly Vec2[]): { share: number; radius: number } {
  if (vectors.length === 0) throw new Error('ringShare: no vectors');
  const lengths = vectors.map(norm).sort((a, b) => a - b);
  const radius = lengths[Math.floor(lengths.length / 2)];
  const on = lengths.filter((x) => Math.abs(x - radius) <= RING_TOLERANCE * radius).length;
  return { share: on / lengths.length, radius };
}
