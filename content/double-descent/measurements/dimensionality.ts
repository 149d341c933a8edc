/**
 * Fractional dimensionality (Elhage et al. 2022, "Toy Models of Superposition"; used for
 * data points by Henighan et al. 2023): for vectors v_1 … v_k in R^m,
 *
 *   D_i = ‖v_i‖² / Σ_j (v̂_i · v_j)²,
 *
 * the share of a dimension vector i gets: 1 for a vector orthogonal to all others, 1/2
 * for one of an antipodal pair, and 2/k for each vertex of a regular k-gon in the plane
 * (k ≥ 3). Feature dimensionality uses the columns W_i; example dimensionality the hidden
 * vectors h_t = W x_t.
 *
 * Σ_j (v̂_i · v_j)² = v̂_iᵀ G v̂_i with G = Σ_j v_j v_jᵀ (m × m), so D_i = ‖v_i‖⁴ / v_iᵀ G v_i
 * and all k values cost O(k m²) instead of O(k² m): 10,000 features or examples are
 * cheap. A zero vector gets 0 (its limit: D_i ≈ ‖v_i‖² / λ_max(G) → 0).
 */

/** D_i for the k rows of a k × m row-major array. */
export function dimensionalities(rows: ArrayLike<number>, m: number): Float64Array {
  if (rows.length % m !== 0) throw new Error(`dimensionalities: ${rows.length} values is not a whole number of rows of length m = ${m}`);
  const k = rows.length / m;
  const G = new Float64Array(m * m);
  for (let i = 0; i < k; i++) {
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) G[a * m + b] += rows[i * m + a] * rows[i * m + b];
  }
  const D = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let squared = 0;
    let quadratic = 0;
    for (let a = 0; a < m; a++) {
      squared += rows[i * m + a] ** 2;
      for (let b = 0; b < m; b++) quadratic += rows[i * m + a] * G[a * m + b] * rows[i * m + b];
    }
    D[i] = squared === 0 ? 0 : (squared * squared) / quadratic;
  }
  return D;
}

/**
 * The figures' one number per run: the mean of D_i weighted by ‖v_i‖², so the vectors the
 * model actually uses count and the thousands of near-zero feature vectors do not drown
 * them. For a regular k-gon (plus any number of zero vectors) it is exactly 2/k.
 * 0 when every vector is zero.
 */
export function weightedMeanDimensionality(rows: ArrayLike<number>, m: number): number {
  const D = dimensionalities(rows, m);
  let weighted = 0;
  let total = 0;
  for (let i = 0; i < D.length; i++) {
    let squared = 0;
    for (let a = 0; a < m; a++) squared += rows[i * m + a] ** 2;
    weighted += squared * D[i];
    total += squared;
  }
  return total === 0 ? 0 : weighted / total;
}

/** The columns of an m × n row-major W as an n × m row-major array (feature i's vector is row i). */
export function featureRows(W: ArrayLike<number>, m: number): Float64Array {
  const n = W.length / m;
  const rows = new Float64Array(n * m);
  for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) rows[i * m + r] = W[r * n + i];
  return rows;
}
