/**
 * K-d trees over 2-D keys whose nodes carry the count, mean and CENTRED second moments of
 * the values summed over them: the pieces of the tree engine's dual-tree sums (dualtree.ts).
 *
 * Why centred moments and a margin: a node's sum Σ z² (or Σ z h) is rebuilt from its mean
 * and centred second moments, whose rounding error scales with the terms' magnitudes
 * |w||h| + |b|, not with z. A node is therefore added from its moments only when every z in
 * it is at least MARGIN times that magnitude (so the relative error stays near eps/MARGIN²);
 * points closer to the boundary are evaluated directly, with exactly the expression the dense
 * kernel uses (b_j + w_j0 h_0 + w_j1 h_1), so they are classified (z > 0) as it does.
 *
 * wasm/tree.as.ts builds the same trees with the same comparisons and arithmetic (tests hold
 * the two bitwise equal). Everything is a deterministic function of the inputs: fixed median
 * splits, ties broken by index.
 */

/**
 * A node enters a sum through its moments only when every z in it is at least this fraction
 * of |w||h| + |b| (rounding error of the moment formula ≈ eps / MARGIN² relative at worst).
 */
export const MARGIN = 1e-2;
/**
 * A node is skipped when every z in it is below -SKIP_TOLERANCE × (|w||h| + |b|): far more than
 * the rounding of z or of the bound, so a skipped point never has z > 0 in the dense kernel.
 */
export const SKIP_TOLERANCE = 1e-12;

/**
 * A k-d tree over 2-D keys, nodes numbered in preorder (a node's first child is the next
 * node; its points are the positions [lo[node], hi[node]) of `item`), so a depth-first query
 * meets nodes, and points, in increasing order.
 */
export interface KdTree {
  nodes: number;
  /** Point ids in tree order. */
  item: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  /** First child (the second is right[node]); -1 at leaves. */
  left: Int32Array;
  right: Int32Array;
  /** Bounding box of the keys: x0, x1, y0, y1 per node. */
  box: Float64Array;
  /** Position in tree order of each point id (-1 for ids the tree does not hold). */
  positionOf: Int32Array;
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

/** Builds a k-d tree over the points `ids` with keys (x[id], y[id]), at most leafSize per leaf; splits the wider side at its median. */
export function buildKdTree(ids: Int32Array, x: Float64Array, y: Float64Array, idCount: number, leafSize: number): KdTree {
  const count = ids.length;
  const capacity = Math.max(1, 4 * Math.ceil(count / leafSize) + 4);
  const tree: KdTree = {
    nodes: 0,
    item: Int32Array.from(ids),
    lo: new Int32Array(capacity),
    hi: new Int32Array(capacity),
    left: new Int32Array(capacity),
    right: new Int32Array(capacity),
    box: new Float64Array(4 * capacity),
    positionOf: new Int32Array(idCount).fill(-1),
  };
  const { item, box } = tree;
  const build = (lo: number, hi: number): number => {
    const node = tree.nodes++;
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
    if (hi - lo <= leafSize) {
      tree.left[node] = -1;
      tree.right[node] = -1;
      return node;
    }
    const mid = (lo + hi) >> 1;
    select(item, x1 - x0 >= y1 - y0 ? x : y, lo, hi, mid);
    tree.left[node] = build(lo, mid);
    tree.right[node] = build(mid, hi);
    return node;
  };
  if (count > 0) build(0, count);
  for (let k = 0; k < count; k++) tree.positionOf[item[k]] = k;
  return tree;
}

/** `byId` rearranged into the tree's order (the leaves read their points contiguously). */
export function inTreeOrder(tree: KdTree, byId: Float64Array): Float64Array {
  const out = new Float64Array(tree.item.length);
  for (let k = 0; k < out.length; k++) out[k] = byId[tree.item[k]];
  return out;
}

/**
 * Count, mean and centred second moments of `values.length`-vectors (each array in tree
 * order) over every node, leaves by two passes (mean, then deviations), inner nodes by
 * merging their children (Chan et al.).
 * Layout per node: [count, mean × dims, upper triangle of Σ (v − mean)(v − mean)ᵀ].
 */
export function nodeMoments(tree: KdTree, values: Float64Array[]): Float64Array {
  const dims = values.length;
  const stride = 1 + dims + (dims * (dims + 1)) / 2;
  const out = new Float64Array(stride * tree.nodes);
  const v = new Float64Array(dims);
  const delta = new Float64Array(dims);
  // Children come after their parent in preorder, so a reverse sweep sees them first.
  for (let node = tree.nodes - 1; node >= 0; node--) {
    const at = stride * node;
    const left = tree.left[node];
    if (left < 0) {
      const lo = tree.lo[node], hi = tree.hi[node];
      const count = hi - lo;
      out[at] = count;
      for (let k = lo; k < hi; k++) for (let d = 0; d < dims; d++) out[at + 1 + d] += values[d][k];
      for (let d = 0; d < dims; d++) out[at + 1 + d] /= count;
      for (let k = lo; k < hi; k++) {
        for (let d = 0; d < dims; d++) v[d] = values[d][k] - out[at + 1 + d];
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

/** A node's sums from its moments, written by momentSum. */
export const part = new Float64Array(3);

/**
 * A node's sums from its moments into `part` (every z in it clears the margin); `moments`
 * at stride 6 (examples' h) when !features, else stride 10 (features' w, b).
 */
export function momentSum(node: number, features: boolean, moments: Float64Array, a0: number, a1: number, c: number): void {
  if (!features) {
    // Stride 6: count, mean h0, h1, C00, C01, C11; z = c + a · h.
    const at = 6 * node;
    const count = moments[at], m0 = moments[at + 1], m1 = moments[at + 2];
    const zMean = c + a0 * m0 + a1 * m1;
    part[0] = count * zMean;
    part[1] = count * zMean * m0 + (moments[at + 3] * a0 + moments[at + 4] * a1);
    part[2] = count * zMean * m1 + (moments[at + 4] * a0 + moments[at + 5] * a1);
    return;
  }
  // Stride 10: count, means of (w0, w1, b), C00 C01 C02 C11 C12 C22; z = b + w · h, h = a.
  const at = 10 * node;
  const count = moments[at], m0 = moments[at + 1], m1 = moments[at + 2], m2 = moments[at + 3];
  const c00 = moments[at + 4], c01 = moments[at + 5], c02 = moments[at + 6], c11 = moments[at + 7], c12 = moments[at + 8], c22 = moments[at + 9];
  const zMean = m2 + m0 * a0 + m1 * a1;
  // C g for g = (h0, h1, 1).
  const cg0 = c00 * a0 + c01 * a1 + c02;
  const cg1 = c01 * a0 + c11 * a1 + c12;
  const cg2 = c02 * a0 + c12 * a1 + c22;
  part[0] = count * zMean * zMean + (cg0 * a0 + cg1 * a1 + cg2);
  part[1] = count * zMean * m0 + cg0;
  part[2] = count * zMean * m1 + cg1;
}
