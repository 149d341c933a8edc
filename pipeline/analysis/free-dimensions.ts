/**
 * Geometry of exact reconstruction without bias (sections 5, 7, 8): pairwise angles of
 * feature vectors, the room each feature has to move while every pair stays at least
 * 90° apart, the Gram matrix WᵀW, and the exact loss of two unit features at an angle.
 * Shared by figures and claims, so each definition lives in one place.
 */
import { norm, polarAngle, type Vec2 } from './geometry.ts';

/** Angle between two non-zero plane vectors, in [0, π]. */
export function angleBetween(u: Vec2, v: Vec2): number {
  const cos = (u[0] * v[0] + u[1] * v[1]) / (norm(u) * norm(v));
  return Math.acos(Math.max(-1, Math.min(1, cos)));
}

/** The n(n−1)/2 angles between pairs of vectors, radians, pair (i, j) with i < j in order. */
export function pairwiseAngles(vectors: readonly Vec2[]): { i: number; j: number; angle: number }[] {
  const out: { i: number; j: number; angle: number }[] = [];
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) out.push({ i, j, angle: angleBetween(vectors[i], vectors[j]) });
  }
  return out;
}

/** The smallest angle between any two of the vectors (radians). */
export function smallestPairwiseAngle(vectors: readonly Vec2[]): number {
  return Math.min(...pairwiseAngles(vectors).map((p) => p.angle));
}

/**
 * For three plane vectors: the arc of directions vector `i` may point in while the other
 * two stay where they are and every pair keeps an angle of at least 90°.
 *
 * The directions at least 90° from a vector u form the closed half-circle centred on −u.
 * Two such half-circles, for u_j and u_k at angle δ, overlap in one arc centred on the
 * direction of −(û_j + û_k), of half-width (π − δ)/2. Returns the arc as a start angle and
 * a counter-clockwise width (radians), or null when u_j and u_k are antipodal (then only the
 * two directions perpendicular to both are allowed, a degenerate arc).
 */
export function allowedArc(vectors: readonly Vec2[], i: number): { start: number; width: number; centre: number } | null {
  if (vectors.length !== 3) throw new Error(`allowedArc: needs three vectors, got ${vectors.length}`);
  const [j, k] = [0, 1, 2].filter((x) => x !== i);
  const uj = vectors[j];
  const uk = vectors[k];
  const sum: Vec2 = [uj[0] / norm(uj) + uk[0] / norm(uk), uj[1] / norm(uj) + uk[1] / norm(uk)];
  if (norm(sum) < 1e-9) return null;
  const centre = polarAngle([-sum[0], -sum[1]]);
  const width = Math.PI - angleBetween(uj, uk);
  let start = centre - width / 2;
  if (start < 0) start += 2 * Math.PI;
  return { start, width, centre };
}

/** WᵀW (n × n, row-major) for a row-major m × n W. */
export function gram(W: ArrayLike<number>, m: number, n: number): number[][] {
  if (W.length !== m * n) throw new Error(`gram: W has ${W.length} entries, expected ${m * n}`);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let r = 0; r < m; r++) s += W[r * n + i] * W[r * n + j];
      return s;
    }),
  );
}

/**
 * Loss of two unit feature vectors at angle θ on identity(2), no bias (the article's loss:
 * squared error summed over the two outputs, averaged over the two examples). Each example
 * reproduces its own coordinate exactly (‖W_i‖² = 1) and leaks ReLU(cos θ) into the other,
 * so each example's error is ReLU(cos θ)² and so is the mean.
 */
export function twoFeatureLoss(theta: number): number {
  const leak = Math.max(0, Math.cos(theta));
  return leak * leak;
}

/**
 * twoFeatureLoss is cos²θ below 90° and 0 above. Its second derivative is −2 cos 2θ below
 * 90° (and 0 above), and the first derivative is continuous at 90° (both sides 0), so the
 * function is concave on [0°, 45°] and convex on [45°, 180°]: the inflection is at 45°.
 */
export const TWO_FEATURE_INFLECTION = Math.PI / 4;
