/**
 * Half-plane range sums in two dimensions for the `tree` engine (tree.ts): k-d trees whose
 * nodes carry the count, mean and CENTRED second moments of the quantities summed, so a
 * query adds a whole node in a few flops when every point in it lies inside the half-plane
 * with margin, skips it when every point lies outside, and only evaluates points one by one
 * in leaves the boundary line crosses.
 *
 * Why centred moments and a margin: a node's sum Σ z² (or Σ z h) is rebuilt from its mean
 * and centred second moments, whose rounding error scales with the terms' magnitudes
 * |w||h| + |b|, not with z. A node is therefore added from its moments only when every z in
 * it is at least MARGIN times that magnitude (so the relative error stays near eps/MARGIN²);
 * points closer to the boundary are evaluated directly, with exactly the expression the dense
 * kernel uses (b_j + w_j0 h_0 + w_j1 h_1), so they are classified (z > 0) as it does.
 *
 * Everything is a deterministic function of the inputs: fixed median splits (ties broken by
 * index), fixed traversal order, single-threaded.
 */

/** Points per leaf: below this, direct evaluation is cheaper than another level of tests. */
const LEAF_SIZE = 8;
/**
 * A node enters a sum through its moments only when every z in it is at least this fraction
 * of |w||h| + |b| (rounding error of the moment formula ≈ eps / MARGIN² relative at worst).
 */
export const MARGIN = 1e-2;
/**
 * A node is skipped when every z in it is below -SKIP_TOLERANCE × (|w||h| + |b|): far more than
 * the rounding of z or of the bound, so a skipped point never has z > 0 in the dense kernel.
 */
const SKIP_TOLERANCE = 1e-12;

/** A k-d tree over 2-D keys; `item` lists the points in tree order, each node owns item[lo, hi). */
export interface KdTree {
  nodes: number;
  lo: Int32Array;
  hi: Int32Array;
  /** Index of the first child (the second is the next node after the first's subtree); -1 at leaves. */
  left: Int32Array;
  right: Int32Array;
  /** Bounding box of the keys: x0, x1, y0, y1 per node. */
  box: Float64Array;
  item: Int32Array;
  parent: Int32Array;
  /** The leaf holding each point (indexed by point id, sized by the largest id + 1). */
  leafOf: Int32Array;
  /**
   * Nodes whose stamp equals the current query's are on the path to a point with a non-zero
   * target: they are always opened, so such points are evaluated directly (see markTargets).
   */
  stamp: Int32Array;
}

/** Moves the k-th smallest of keys[item[lo..hi)] (ties by item index) to position k. */
function select(item: Int32Array, keys: Float64Array, lo: number, hi: number, k: number): void {
  const less = (a: number, b: number) => keys[a] < keys[b] || (keys[a] === keys[b] && a < b);
  let l = lo;
  let r = hi - 1;
  while (r > l) {
    // Median of three as pivot, then Hoare partition.
    const mid = (l + r) >> 1;
    if (less(item[mid], item[l])) swap(item, mid, l);
    if (less(item[r], item[l])) swap(item, r, l);
    if (less(item[r], item[mid])) swap(item, r, mid);
    const pivot = item[mid];
    let i = l;
    let j = r;
    while (i <= j) {
      while (less(item[i], pivot)) i++;
      while (less(pivot, item[j])) j--;
      if (i <= j) {
        swap(item, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Builds a k-d tree over the points `ids` with keys (x[id], y[id]); splits the wider side at its median. */
export function buildKdTree(ids: Int32Array, x: Float64Array, y: Float64Array, idCount: number): KdTree {
  const count = ids.length;
  const capacity = Math.max(1, 4 * Math.ceil(count / LEAF_SIZE) + 4);
  const tree: KdTree = {
    nodes: 0,
    lo: new Int32Array(capacity),
    hi: new Int32Array(capacity),
    left: new Int32Array(capacity),
    right: new Int32Array(capacity),
    box: new Float64Array(4 * capacity),
    item: Int32Array.from(ids),
    parent: new Int32Array(capacity),
    leafOf: new Int32Array(idCount).fill(-1),
    stamp: new Int32Array(capacity),
  };
  const { item, box } = tree;
  const build = (lo: number, hi: number, parent: number): number => {
    const node = tree.nodes++;
    tree.parent[node] = parent;
    tree.lo[node] = lo;
    tree.hi[node] = hi;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let k = lo; k < hi; k++) {
      const p = item[k];
      if (x[p] < x0) x0 = x[p];
      if (x[p] > x1) x1 = x[p];
      if (y[p] < y0) y0 = y[p];
      if (y[p] > y1) y1 = y[p];
    }
    box[4 * node] = x0;
    box[4 * node + 1] = x1;
    box[4 * node + 2] = y0;
    box[4 * node + 3] = y1;
    if (hi - lo <= LEAF_SIZE) {
      tree.left[node] = -1;
      tree.right[node] = -1;
      for (let k = lo; k < hi; k++) tree.leafOf[item[k]] = node;
      return node;
    }
    const mid = (lo + hi) >> 1;
    select(item, x1 - x0 >= y1 - y0 ? x : y, lo, hi, mid);
    tree.left[node] = build(lo, mid, node);
    tree.right[node] = build(mid, hi, node);
    return node;
  };
  if (count > 0) build(0, count, -1);
  return tree;
}

/**
 * Count, mean and centred second moments of `dims`-vectors over every node, leaves by two
 * passes (mean, then deviations), inner nodes by merging their children (Chan et al.).
 * Layout per node: [count, mean × dims, upper triangle of Σ (v − mean)(v − mean)ᵀ].
 */
export function nodeMoments(tree: KdTree, dims: number, value: (item: number, d: number) => number): Float64Array {
  const stride = 1 + dims + (dims * (dims + 1)) / 2;
  const out = new Float64Array(stride * tree.nodes);
  const v = new Float64Array(dims);
  const delta = new Float64Array(dims);
  // Children are built after their parent, so a reverse sweep sees them first.
  for (let node = tree.nodes - 1; node >= 0; node--) {
    const at = stride * node;
    const left = tree.left[node];
    if (left < 0) {
      const lo = tree.lo[node], hi = tree.hi[node];
      const count = hi - lo;
      out[at] = count;
      for (let k = lo; k < hi; k++) for (let d = 0; d < dims; d++) out[at + 1 + d] += value(tree.item[k], d);
      for (let d = 0; d < dims; d++) out[at + 1 + d] /= count;
      for (let k = lo; k < hi; k++) {
        for (let d = 0; d < dims; d++) v[d] = value(tree.item[k], d) - out[at + 1 + d];
        let c = at + 1 + dims;
        for (let a = 0; a < dims; a++) for (let b = a; b < dims; b++) out[c++] += v[a] * v[b];
      }
      continue;
    }
    const A = stride * left;
    const B = stride * tree.right[node];
    const nA = out[A], nB = out[B], count = nA + nB;
    out[at] = count;
    for (let d = 0; d < dims; d++) {
      delta[d] = out[B + 1 + d] - out[A + 1 + d];
      out[at + 1 + d] = out[A + 1 + d] + delta[d] * (nB / count);
    }
    const f = (nA * nB) / count;
    let c = 1 + dims;
    for (let a = 0; a < dims; a++) for (let b = a; b < dims; b++, c++) out[at + c] = out[A + c] + out[B + c] + f * delta[a] * delta[b];
  }
  return out;
}

/**
 * Stamps the path from the root to the leaf of each point `id` in ids[from, to) that the
 * tree holds, with `stamp` (a number unique to the query). A query opens stamped nodes down
 * to their leaves and evaluates the points there directly, so a target's term is computed as
 * (ReLU(z) − x)² and (z − x) in one piece rather than as a moment sum minus a correction,
 * which would cancel catastrophically once the model reconstructs its targets well.
 */
export function markTargets(tree: KdTree, ids: Int32Array, from: number, to: number, stamp: number): void {
  for (let k = from; k < to; k++) {
    const id = ids[k];
    for (let node = tree.leafOf[id]; node >= 0 && tree.stamp[node] !== stamp; node = tree.parent[node]) tree.stamp[node] = stamp;
  }
}

/** Stack for iterative traversal (depth ≤ log2(points) + 1, so 64 entries always suffice). */
const stack = new Int32Array(64);

/**
 * For one feature j (z_t = b + w0 h0_t + w1 h1_t over the examples in `tree`, keyed by h):
 * adds Σ d, Σ d h0, Σ d h1 over the examples with z > 0 into out[0..2], where d = z − x_tj
 * (x_tj = target[t] where targetStamp[t] === stamp, and those examples' nodes are stamped;
 * else 0). `moments` is nodeMoments(tree, 2, h) (stride 6: count, mean h0, h1, C00, C01, C11).
 */
export function sumOverActiveExamples(
  tree: KdTree, moments: Float64Array, H0: Float64Array, H1: Float64Array,
  w0: number, w1: number, b: number,
  stamp: number, targetStamp: Int32Array, target: Float64Array, out: Float64Array,
): void {
  if (tree.nodes === 0) return;
  const { box, item, lo, hi, left, right } = tree;
  const nodeStamp = tree.stamp;
  const aw0 = Math.abs(w0), aw1 = Math.abs(w1), ab = Math.abs(b);
  let s = 0, s0 = 0, s1 = 0;
  let top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const node = stack[--top];
    if (nodeStamp[node] !== stamp) {
      const x0 = box[4 * node], x1 = box[4 * node + 1], y0 = box[4 * node + 2], y1 = box[4 * node + 3];
      const p0 = w0 * x0, p1 = w0 * x1, q0 = w1 * y0, q1 = w1 * y1;
      const zMax = b + (p0 < p1 ? p1 : p0) + (q0 < q1 ? q1 : q0);
      const size = aw0 * Math.max(-x0, x1) + aw1 * Math.max(-y0, y1) + ab;
      if (!(zMax >= -SKIP_TOLERANCE * size) || size === 0) continue; // every z < 0 (or every z exactly 0)
      const zMin = b + (p0 < p1 ? p0 : p1) + (q0 < q1 ? q0 : q1);
      if (zMin > MARGIN * size) {
        const at = 6 * node;
        const count = moments[at], m0 = moments[at + 1], m1 = moments[at + 2];
        const zMean = b + w0 * m0 + w1 * m1;
        s += count * zMean;
        s0 += count * zMean * m0 + (moments[at + 3] * w0 + moments[at + 4] * w1);
        s1 += count * zMean * m1 + (moments[at + 4] * w0 + moments[at + 5] * w1);
        continue;
      }
    }
    if (left[node] < 0) {
      for (let k = lo[node], end = hi[node]; k < end; k++) {
        const t = item[k];
        const h0 = H0[t], h1 = H1[t];
        const z = b + w0 * h0 + w1 * h1;
        if (z > 0) {
          const d = targetStamp[t] === stamp ? z - target[t] : z;
          s += d;
          s0 += d * h0;
          s1 += d * h1;
        }
      }
      continue;
    }
    stack[top++] = right[node];
    stack[top++] = left[node];
  }
  out[0] += s;
  out[1] += s0;
  out[2] += s1;
}

/**
 * For one example h (z_j = b_j + w_j0 h0 + w_j1 h1 over the features in `tree`): adds the
 * squared error Σ (ReLU(z) − x_j)² over the features with z > 0 or a target, and Σ (z − x_j) w_j
 * over those with z > 0, into out[0..2] (x_j = target[j] where targetStamp[j] === stamp, and
 * those features' nodes are stamped; else 0).
 *
 * The features in one tree share the sign `sign` of b_j and are keyed by u_j = w_j / |b_j|
 * (by w_j when b_j = 0, sign 0), so z_j = |b_j| (u_j · h + sign): the half-plane
 * u · h + sign > 0 in key space, whatever b_j's size. `moments` is nodeMoments(tree, 3,
 * (w0, w1, b)) (stride 10: count, means, C00 C01 C02 C11 C12 C22).
 */
export function sumOverActiveFeatures(
  tree: KdTree, moments: Float64Array, sign: number,
  W0: Float64Array, W1: Float64Array, B: Float64Array,
  h0: number, h1: number,
  stamp: number, targetStamp: Int32Array, target: Float64Array, out: Float64Array,
): void {
  if (tree.nodes === 0) return;
  const { box, item, lo, hi, left, right } = tree;
  const nodeStamp = tree.stamp;
  const ah0 = Math.abs(h0), ah1 = Math.abs(h1), as = Math.abs(sign);
  let sq = 0, g0 = 0, g1 = 0;
  let top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const node = stack[--top];
    if (nodeStamp[node] !== stamp) {
      const x0 = box[4 * node], x1 = box[4 * node + 1], y0 = box[4 * node + 2], y1 = box[4 * node + 3];
      const p0 = h0 * x0, p1 = h0 * x1, q0 = h1 * y0, q1 = h1 * y1;
      const vMax = sign + (p0 < p1 ? p1 : p0) + (q0 < q1 ? q1 : q0);
      const size = ah0 * Math.max(-x0, x1) + ah1 * Math.max(-y0, y1) + as;
      if (!(vMax >= -SKIP_TOLERANCE * size) || size === 0) continue;
      const vMin = sign + (p0 < p1 ? p0 : p1) + (q0 < q1 ? q0 : q1);
      if (vMin > MARGIN * size) {
        const at = 10 * node;
        const count = moments[at], a0 = moments[at + 1], a1 = moments[at + 2], a2 = moments[at + 3];
        const c00 = moments[at + 4], c01 = moments[at + 5], c02 = moments[at + 6], c11 = moments[at + 7], c12 = moments[at + 8], c22 = moments[at + 9];
        const zMean = a2 + a0 * h0 + a1 * h1;
        // C g for g = (h0, h1, 1).
        const cg0 = c00 * h0 + c01 * h1 + c02;
        const cg1 = c01 * h0 + c11 * h1 + c12;
        const cg2 = c02 * h0 + c12 * h1 + c22;
        sq += count * zMean * zMean + (cg0 * h0 + cg1 * h1 + cg2);
        g0 += count * zMean * a0 + cg0;
        g1 += count * zMean * a1 + cg1;
        continue;
      }
    }
    if (left[node] < 0) {
      for (let k = lo[node], end = hi[node]; k < end; k++) {
        const j = item[k];
        const z = B[j] + W0[j] * h0 + W1[j] * h1;
        if (targetStamp[j] === stamp) {
          const x = target[j];
          if (z > 0) {
            const d = z - x;
            sq += d * d;
            g0 += d * W0[j];
            g1 += d * W1[j];
          } else {
            sq += x * x;
          }
        } else if (z > 0) {
          sq += z * z;
          g0 += z * W0[j];
          g1 += z * W1[j];
        }
      }
      continue;
    }
    stack[top++] = right[node];
    stack[top++] = left[node];
  }
  out[0] += sq;
  out[1] += g0;
  out[2] += g1;
}
