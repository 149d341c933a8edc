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
 * This file is the reference: wasm/tree.as.ts runs the same query with the same operations
 * in the same order (tests hold the two bitwise equal), and tree.ts uses that one.
 *
 * Everything is a deterministic function of the inputs: fixed median splits (ties broken by
 * index), fixed traversal order, and each query summed by one thread.
 */

/**
 * Points per leaf. The kernel evaluates leaf points two at a time, branch-free, while a node
 * visit is a box test and a data-dependent branch, so large leaves pay: at n = T = 10,000 a
 * step ran at about 1.7× the dense kernel's speed with 16, 1.9× with 32 and 2.1× with 64 (one
 * thread); 32 keeps the √(points × LEAF_SIZE) growth of the points a line meets in check.
 */
export const LEAF_SIZE = 32;
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

/** Builds a k-d tree over the points `ids` with keys (x[id], y[id]); splits the wider side at its median. */
export function buildKdTree(ids: Int32Array, x: Float64Array, y: Float64Array, idCount: number): KdTree {
  const count = ids.length;
  const capacity = Math.max(1, 4 * Math.ceil(count / LEAF_SIZE) + 4);
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
    if (hi - lo <= LEAF_SIZE) {
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

/**
 * The non-zero targets of one query in a tree: their positions in tree order, ascending,
 * and their values. A query meets them in this order, so it needs no per-point marks.
 */
export interface Targets {
  count: number;
  position: Int32Array;
  value: Float64Array;
}

export function newTargets(capacity: number): Targets {
  return { count: 0, position: new Int32Array(capacity), value: new Float64Array(capacity) };
}

/** Collects the points ids[from, to) (values vals[from, to)) that `tree` holds, sorted by position. */
export function collectTargets(tree: KdTree, ids: Int32Array, vals: ArrayLike<number>, from: number, to: number, out: Targets): void {
  let count = 0;
  for (let k = from; k < to; k++) {
    const p = ids[k] < tree.positionOf.length ? tree.positionOf[ids[k]] : -1;
    if (p < 0) continue;
    // Insertion sort: a query has about ten targets.
    let i = count++;
    while (i > 0 && out.position[i - 1] > p) {
      out.position[i] = out.position[i - 1];
      out.value[i] = out.value[i - 1];
      i--;
    }
    out.position[i] = p;
    out.value[i] = vals[k];
  }
  out.count = count;
}

/** Where a node lies against the line c + a0 x + a1 y = 0 (x, y its keys). */
const SKIP = 0, OPEN = 1, SUM = 2;

/**
 * The one box test of both queries: SKIP when every point of the node has z < 0 beyond
 * rounding (or every z is exactly 0), SUM when every z clears the margin, else OPEN.
 */
function sideOf(box: Float64Array, node: number, a0: number, a1: number, c: number): number {
  const x0 = box[4 * node], x1 = box[4 * node + 1], y0 = box[4 * node + 2], y1 = box[4 * node + 3];
  const p0 = a0 * x0, p1 = a0 * x1, q0 = a1 * y0, q1 = a1 * y1;
  const zMax = c + (p0 < p1 ? p1 : p0) + (q0 < q1 ? q1 : q0);
  const size = Math.abs(a0) * (x1 > -x0 ? x1 : -x0) + Math.abs(a1) * (y1 > -y0 ? y1 : -y0) + Math.abs(c);
  if (!(zMax >= -SKIP_TOLERANCE * size) || size === 0) return SKIP;
  const zMin = c + (p0 < p1 ? p0 : p1) + (q0 < q1 ? q0 : q1);
  return zMin > MARGIN * size ? SUM : OPEN;
}

/** Stack for iterative traversal (depth ≤ log2(points) + 1, so 64 entries always suffice). */
const stack = new Int32Array(64);
/** This query's sums over one node (moments) or leaf (direct), before they enter the total. */
const part = new Float64Array(3);
/** A leaf's two interleaved partial sums (see evaluateLeaf). */
const lanes = new Float64Array(6);

/**
 * One half-plane query: sums over the points of `tree` on the positive side of the line, in
 * one of two forms (see tree.ts for what each feeds):
 *
 * - examples (`values` = [h0, h1] in tree order, moments of (h0, h1)): for one feature with
 *   z_t = c + a0 h0_t + a1 h1_t (c = b, a = w), adds Σ d, Σ d h0, Σ d h1 over z > 0 with
 *   d = z − x_t, into out[0..2];
 * - features (`values` = [w0, w1, b] in tree order, moments of (w0, w1, b)): for one example
 *   h = (a0, a1), z_j = b_j + w_j0 a0 + w_j1 a1, adds Σ (ReLU(z) − x_j)² over the points with
 *   z > 0 or a target, Σ (z − x_j) w_j0 and Σ (z − x_j) w_j1 over z > 0. The features in one
 *   tree share the sign `c` of b_j and are keyed by u_j = w_j / |b_j| (by w_j when b_j = 0,
 *   c = 0), so z_j = |b_j| (u_j · h + c): the half-plane c + a · u > 0 in key space.
 *
 * x is the target's value for the points in `targets`, else 0. A target is always evaluated
 * directly, so its term is (ReLU(z) − x)² and (z − x) in one piece rather than a moment sum
 * minus a correction, which would cancel catastrophically once the model reconstructs its
 * targets well. A node with targets that lies wholly inside is still summed from its moments
 * when at most half its points are targets: its moment sum less the targets' terms (as the
 * moments count them, x = 0) covers the other points, each of which clears the margin, so the
 * rounding stays within about 2 eps / MARGIN² of their own terms, as for any node summed
 * from its moments; the targets' terms are then added directly. A target in a skipped node
 * has z < 0: it adds x² to the squared error (features), nothing to the sums (examples).
 */
export function halfPlaneSums(
  tree: KdTree, moments: Float64Array, values: Float64Array[],
  a0: number, a1: number, c: number, targets: Targets, out: Float64Array,
): void {
  if (tree.nodes === 0) return;
  const features = values.length === 3;
  const { box, lo, hi, left, right } = tree;
  const { position, value, count: targetCount } = targets;
  let next = 0; // the first target not yet accounted for
  let top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const node = stack[--top];
    // Targets before this node lay in skipped nodes.
    for (; next < targetCount && position[next] < lo[node]; next++) if (features) out[0] += value[next] * value[next];
    const side = sideOf(box, node, a0, a1, c);
    if (side === SKIP) continue;
    const end = hi[node];
    let last = next; // targets in this node: [next, last)
    while (last < targetCount && position[last] < end) last++;
    if (side === SUM && last > next) {
      if (2 * (last - next) > end - lo[node]) {
        pushChildrenOrEvaluate(node);
        continue;
      }
      // The other points' sums: the node's moments less the targets' terms as the moments
      // counted them (x = 0); then the targets' own terms, each in one piece.
      momentSum(node, features, moments, a0, a1, c);
      let s0 = part[0], s1 = part[1], s2 = part[2];
      for (let k = next; k < last; k++) {
        pointTerms(position[k], 0);
        s0 -= part[0];
        s1 -= part[1];
        s2 -= part[2];
      }
      out[0] += s0;
      out[1] += s1;
      out[2] += s2;
      for (; next < last; next++) {
        pointTerms(position[next], value[next]);
        out[0] += part[0];
        out[1] += part[1];
        out[2] += part[2];
      }
      continue;
    }
    if (side === SUM) {
      momentSum(node, features, moments, a0, a1, c);
      out[0] += part[0];
      out[1] += part[1];
      out[2] += part[2];
      continue;
    }
    pushChildrenOrEvaluate(node);
  }
  for (; next < targetCount; next++) if (features) out[0] += value[next] * value[next];

  function pushChildrenOrEvaluate(node: number): void {
    if (left[node] >= 0) {
      stack[top++] = right[node];
      stack[top++] = left[node];
      return;
    }
    next = evaluateLeaf(node, next);
    out[0] += part[0];
    out[1] += part[1];
    out[2] += part[2];
  }

  /** One point's terms into `part`, for a point with z > 0 and target x. */
  function pointTerms(k: number, x: number): void {
    if (features) {
      const w0 = values[0][k], w1 = values[1][k];
      const d = values[2][k] + w0 * a0 + w1 * a1 - x;
      part[0] = d * d;
      part[1] = d * w0;
      part[2] = d * w1;
    } else {
      const h0 = values[0][k], h1 = values[1][k];
      const d = c + a0 * h0 + a1 * h1 - x;
      part[0] = d;
      part[1] = d * h0;
      part[2] = d * h1;
    }
  }

  /**
   * Direct sums over a leaf's points into `part`; returns the first target after it. Points
   * alternate between two partial sums (lane 0: lo, lo + 2, …; lane 1: lo + 1, …) added at
   * the end, which is how the kernel sums them two at a time in SIMD lanes.
   */
  function evaluateLeaf(leaf: number, first: number): number {
    let t = first;
    lanes.fill(0);
    const v0 = values[0], v1 = values[1];
    const start = lo[leaf];
    for (let k = start, end = hi[leaf]; k < end; k++) {
      const lane = 3 * ((k - start) & 1);
      const x = t < targetCount && position[t] === k ? value[t++] : 0;
      if (features) {
        const w0 = v0[k], w1 = v1[k];
        const z = values[2][k] + w0 * a0 + w1 * a1;
        const d = z - x;
        // Where z ≤ 0 a target adds x² and every other point x² = 0 (adding +0 changes no sum).
        lanes[lane] += z > 0 ? d * d : x * x;
        lanes[lane + 1] += z > 0 ? d * w0 : 0;
        lanes[lane + 2] += z > 0 ? d * w1 : 0;
      } else {
        const h0 = v0[k], h1 = v1[k];
        const z = c + a0 * h0 + a1 * h1;
        const d = z - x;
        lanes[lane] += z > 0 ? d : 0;
        lanes[lane + 1] += z > 0 ? d * h0 : 0;
        lanes[lane + 2] += z > 0 ? d * h1 : 0;
      }
    }
    part[0] = lanes[0] + lanes[3];
    part[1] = lanes[1] + lanes[4];
    part[2] = lanes[2] + lanes[5];
    return t;
  }
}

/** A node's sums from its moments into `part` (every z in it clears the margin). */
function momentSum(node: number, features: boolean, moments: Float64Array, a0: number, a1: number, c: number): void {
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
