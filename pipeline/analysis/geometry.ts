/**
 * Plane geometry of trained models with a 2-D latent space (m = 2): feature vectors,
 * angles, the regularity score of an arrangement, and the projected hypercube.
 * Pure functions on plain arrays; figures and the claims ledger share them, so a
 * threshold or an ordering is defined once, here.
 */

export type Vec2 = readonly [number, number];

/** Feature i's vector W_i = (W[i], W[n + i]) for an m = 2, row-major W (m × n). */
export function featureVectors(W: ArrayLike<number>, m: number, n: number): Vec2[] {
  if (m !== 2) throw new Error(`featureVectors: plane geometry needs m = 2, got m = ${m}`);
  if (W.length !== m * n) throw new Error(`featureVectors: W has ${W.length} entries, expected ${m * n}`);
  return Array.from({ length: n }, (_, i): Vec2 => [W[i], W[n + i]]);
}

/** Rows of a k × 2 row-major array as vectors (e.g. the hidden vectors from `hiddenVectors`). */
export function rowVectors(values: ArrayLike<number>): Vec2[] {
  if (values.length % 2 !== 0) throw new Error('rowVectors: expected a k × 2 array');
  return Array.from({ length: values.length / 2 }, (_, t): Vec2 => [values[2 * t], values[2 * t + 1]]);
}

export function norm(v: Vec2): number {
  return Math.hypot(v[0], v[1]);
}

/** Polar angle in [0, 2π). */
export function polarAngle(v: Vec2): number {
  const a = Math.atan2(v[1], v[0]);
  return a < 0 ? a + 2 * Math.PI : a;
}

export function radiansToDegrees(radians: number): number {
  return (radians * 180) / Math.PI;
}

/**
 * Counter-clockwise angular gaps around the origin. `order` lists the indices of
 * `vectors` sorted by polar angle, starting at `start` (an index into `vectors`, by
 * default the vector with the smallest angle); `gaps[k]` is the angle from `order[k]`
 * to `order[k + 1]` (wrapping around), so the gaps sum to 2π.
 */
export function angularGaps(vectors: readonly Vec2[], start?: number): { order: number[]; gaps: number[] } {
  if (vectors.length === 0) return { order: [], gaps: [] };
  const angles = vectors.map(polarAngle);
  const sorted = vectors.map((_, i) => i).sort((a, b) => angles[a] - angles[b] || a - b);
  const shift = start === undefined ? 0 : sorted.indexOf(start);
  if (shift < 0) throw new Error(`angularGaps: start ${start} is not an index of vectors`);
  const order = [...sorted.slice(shift), ...sorted.slice(0, shift)];
  const gaps = order.map((i, k) => {
    const next = order[(k + 1) % order.length];
    const gap = angles[next] - angles[i];
    // Wrap-around gap, and the whole turn for a single vector.
    return gap > 0 || (gap === 0 && order.length > 1) ? gap : gap + 2 * Math.PI;
  });
  return { order, gaps };
}

/**
 * Vectors shorter than this fraction of the longest are "dead": they are listed apart
 * and are not vertices of the arrangement. 10⁻³ is far below any live vector of a
 * trained solution yet far above float32 round-off of a vector decayed to zero.
 */
export const DEAD_FRACTION = 1e-3;

/** Indices of live and dead vectors (see DEAD_FRACTION). */
export function splitDead(vectors: readonly Vec2[], fraction = DEAD_FRACTION): { live: number[]; dead: number[] } {
  const norms = vectors.map(norm);
  const longest = Math.max(0, ...norms);
  const live: number[] = [];
  const dead: number[] = [];
  norms.forEach((r, i) => (longest > 0 && r >= fraction * longest ? live : dead).push(i));
  return { live, dead };
}

/**
 * Regularity of a 2-D arrangement (ARTICLE.md, Conventions), over the k live vectors:
 * normRatio = min‖v‖ / max‖v‖, gapRatio = largest angular gap / (2π / k).
 * An evenly spaced k-gon scores (1, 1). Dead vectors are reported in `dead`.
 */
export interface RegularityScore {
  /** Live vectors counted (k). */
  count: number;
  normRatio: number;
  gapRatio: number;
  /** Indices of dead vectors, not counted. */
  dead: number[];
}

export function regularity(vectors: readonly Vec2[]): RegularityScore {
  const { live, dead } = splitDead(vectors);
  const k = live.length;
  if (k === 0) return { count: 0, normRatio: 0, gapRatio: Infinity, dead };
  const liveVectors = live.map((i) => vectors[i]);
  const norms = liveVectors.map(norm);
  const { gaps } = angularGaps(liveVectors);
  return {
    count: k,
    normRatio: Math.min(...norms) / Math.max(...norms),
    gapRatio: Math.max(...gaps) / ((2 * Math.PI) / k),
    dead,
  };
}

/**
 * When an arrangement counts as an evenly spaced T-gon.
 *
 * - minNormRatio 0.9: all points on one circle, to within 10 % in radius. The failure
 *   the article looks for ("points on two circles of different radii") separates radii
 *   by far more than that, while converged T-gons differ from perfect ones only through
 *   interference from other examples' features: the first memorization runs (T = 5, 6)
 *   scored 0.96–0.97.
 * - maxGapRatio 1.15: no gap more than 15 % wider than the ideal 2π/T, i.e. each vertex
 *   within about a seventh of a spacing of its slot. The same converged T-gons scored
 *   1.02; a vertex missing from its slot, or two examples sharing one direction, leaves a
 *   gap of about two spacings (ratio ≈ 2). At 15 % a misplaced vertex is already visible
 *   by eye (a triangle with gaps of 110°, 109°, 141° scores 1.17 and is called uneven).
 * - no dead vectors: an example whose hidden vector is ~0 is not represented at all,
 *   whatever the live ones look like.
 */
export const EVEN_THRESHOLDS = { minNormRatio: 0.9, maxGapRatio: 1.15 } as const;

/**
 * How far the live arrangement is from even, in units of the tolerance: 0 for a perfect
 * k-gon, 1 exactly at a threshold, above 1 when a threshold is broken.
 */
export function irregularity(score: RegularityScore): number {
  if (score.count === 0) return Infinity;
  const normExcess = (1 - score.normRatio) / (1 - EVEN_THRESHOLDS.minNormRatio);
  const gapExcess = (score.gapRatio - 1) / (EVEN_THRESHOLDS.maxGapRatio - 1);
  return Math.max(normExcess, gapExcess, 0);
}

export function isEvenlySpaced(score: RegularityScore): boolean {
  return score.dead.length === 0 && score.count > 0 && irregularity(score) <= 1;
}

/**
 * Orders scores from most to least regular: fewer dead vectors first, then smaller
 * irregularity (the worse of the two ratios, each scaled by its tolerance), then the
 * larger normRatio. Sort with it ascending; the last element is the least regular.
 */
export function compareRegularity(a: RegularityScore, b: RegularityScore): number {
  return a.dead.length - b.dead.length || irregularity(a) - irregularity(b) || b.normRatio - a.normRatio;
}

/** Points of a regular k-gon of radius r, the first at angle `phase` (radians). */
export function regularPolygon(k: number, r = 1, phase = 0): Vec2[] {
  return Array.from({ length: k }, (_, j): Vec2 => {
    const a = phase + (2 * Math.PI * j) / k;
    return [r * Math.cos(a), r * Math.sin(a)];
  });
}

/** The largest number of vectors for which a hypercube is built (2^n vertices). */
export const MAX_HYPERCUBE_DIMENSION = 12;

/**
 * The n-cube {0,1}ⁿ mapped into the plane by s ↦ Σ s_i v_i. Vertex index s is the bit
 * mask of s; an edge joins vertices that differ in one coordinate, `axis` being that
 * coordinate (so edges along axis i are parallel to v_i). 2ⁿ vertices, n·2ⁿ⁻¹ edges.
 */
export interface ProjectedHypercube {
  vertices: Vec2[];
  edges: { from: number; to: number; axis: number }[];
}

export function projectedHypercube(vectors: readonly Vec2[]): ProjectedHypercube {
  const n = vectors.length;
  if (n > MAX_HYPERCUBE_DIMENSION) throw new Error(`projectedHypercube: n = ${n} is too large`);
  const vertices: Vec2[] = [];
  for (let s = 0; s < 1 << n; s++) {
    let x = 0;
    let y = 0;
    for (let i = 0; i < n; i++) {
      if (s & (1 << i)) {
        x += vectors[i][0];
        y += vectors[i][1];
      }
    }
    vertices.push([x, y]);
  }
  const edges: ProjectedHypercube['edges'] = [];
  for (let s = 0; s < 1 << n; s++) {
    for (let i = 0; i < n; i++) if (!(s & (1 << i))) edges.push({ from: s, to: s | (1 << i), axis: i });
  }
  return { vertices, edges };
}

/**
 * Number of distinct points among `points`, treating points closer than `tolerance`
 * as one (greedy clustering; enough to say "16 vertices fall on 9 points").
 */
export function distinctPointCount(points: readonly Vec2[], tolerance: number): number {
  const representatives: Vec2[] = [];
  for (const p of points) {
    if (!representatives.some((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) <= tolerance)) representatives.push(p);
  }
  return representatives.length;
}

/**
 * Loss of (W, b) on identity(n) data: (1/n) Σ_i Σ_j (ReLU(W_jᵀ W_i + b_j) − δ_ij)²,
 * the article's loss with the n basis vectors as examples. W is m × n row-major.
 */
export function identityLoss(W: ArrayLike<number>, b: ArrayLike<number>, m: number, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = b[j];
      for (let r = 0; r < m; r++) dot += W[r * n + j] * W[r * n + i];
      const out = Math.max(0, dot) - (i === j ? 1 : 0);
      total += out * out;
    }
  }
  return total / n;
}
