// AssemblyScript source of the tree engine's query kernel (compiled to tree.wasm by
// `npm run build:kernel`; the .wasm is embedded in tree.wasm.ts and committed).
// It runs halfplane.ts's halfPlaneSums with the same operations in the same order (no fused
// multiply-add, the same comparisons), so its results are bitwise equal to that reference
// (tests/unit/tree-engine.test.ts holds them to it). All arrays live in one shared linear
// memory; every pointer argument is a byte offset. Each worker thread runs its own range of
// queries and writes only its own queries' results, so the thread count changes nothing.

// @ts-nocheck

// Node sides against a query's line (halfplane.ts: sideOf).
const SKIP: i32 = 0;
const OPEN: i32 = 1;
const SUM: i32 = 2;
const MARGIN: f64 = 1e-2;
const SKIP_TOLERANCE: f64 = 1e-12;

// A tree descriptor: i32 words at `desc` (written by treeWasm.ts's copyTree). Nodes are
// 48-byte records (box x0 x1 y0 y1 as f64, then lo, hi, right as i32; the first child of a
// node is the next node, preorder; right < 0 at leaves), so a visit touches one cache line;
// the points' values are arrays in tree order (w0, w1, b or h0, h1), read two at a time.
const D_NODES = 0, D_RECORDS = 1, D_MOMENTS = 2, D_POSITION_OF = 3, D_ID_COUNT = 4, D_V0 = 5, D_V1 = 6, D_V2 = 7;
const NODE_BYTES: usize = 48;

// One node's or leaf's sums before they enter the query's total (halfplane.ts: `part`).
let P0: f64 = 0;
let P1: f64 = 0;
let P2: f64 = 0;
// The query's totals.
let O0: f64 = 0;
let O1: f64 = 0;
let O2: f64 = 0;

@inline function word(desc: usize, k: i32): usize {
  return <usize>load<i32>(desc + (<usize>k << 2));
}
@inline function i32At(base: usize, k: i32): i32 {
  return load<i32>(base + (<usize>k << 2));
}
@inline function f64At(base: usize, k: i32): f64 {
  return load<f64>(base + (<usize>k << 3));
}

@inline function sideOf(records: usize, node: i32, a0: f64, a1: f64, c: f64): i32 {
  const at = records + <usize>node * NODE_BYTES;
  const x0 = load<f64>(at), x1 = load<f64>(at + 8), y0 = load<f64>(at + 16), y1 = load<f64>(at + 24);
  const p0 = a0 * x0, p1 = a0 * x1, q0 = a1 * y0, q1 = a1 * y1;
  const zMax = c + (p0 < p1 ? p1 : p0) + (q0 < q1 ? q1 : q0);
  const size = Math.abs(a0) * (x1 > -x0 ? x1 : -x0) + Math.abs(a1) * (y1 > -y0 ? y1 : -y0) + Math.abs(c);
  if (!(zMax >= -SKIP_TOLERANCE * size) || size == 0) return SKIP;
  const zMin = c + (p0 < p1 ? p0 : p1) + (q0 < q1 ? q0 : q1);
  return zMin > MARGIN * size ? SUM : OPEN;
}

/** A node's sums from its moments into P0..P2 (halfplane.ts: momentSum). */
@inline function momentSum(node: i32, features: bool, moments: usize, a0: f64, a1: f64, c: f64): void {
  if (!features) {
    const at = moments + <usize>node * 48;
    const count = load<f64>(at), m0 = load<f64>(at + 8), m1 = load<f64>(at + 16);
    const zMean = c + a0 * m0 + a1 * m1;
    P0 = count * zMean;
    P1 = count * zMean * m0 + (load<f64>(at + 24) * a0 + load<f64>(at + 32) * a1);
    P2 = count * zMean * m1 + (load<f64>(at + 32) * a0 + load<f64>(at + 40) * a1);
    return;
  }
  const at = moments + <usize>node * 80;
  const count = load<f64>(at), m0 = load<f64>(at + 8), m1 = load<f64>(at + 16), m2 = load<f64>(at + 24);
  const c00 = load<f64>(at + 32), c01 = load<f64>(at + 40), c02 = load<f64>(at + 48), c11 = load<f64>(at + 56), c12 = load<f64>(at + 64), c22 = load<f64>(at + 72);
  const zMean = m2 + m0 * a0 + m1 * a1;
  const cg0 = c00 * a0 + c01 * a1 + c02;
  const cg1 = c01 * a0 + c11 * a1 + c12;
  const cg2 = c02 * a0 + c12 * a1 + c22;
  P0 = count * zMean * zMean + (cg0 * a0 + cg1 * a1 + cg2);
  P1 = count * zMean * m0 + cg0;
  P2 = count * zMean * m1 + cg1;
}

/** One point's terms into P0..P2, for a point with z > 0 and target x (halfplane.ts: pointTerms). */
@inline function pointTerms(v0: usize, v1: usize, v2: usize, k: i32, features: bool, a0: f64, a1: f64, c: f64, x: f64): void {
  if (features) {
    const w0 = f64At(v0, k), w1 = f64At(v1, k);
    const d = f64At(v2, k) + w0 * a0 + w1 * a1 - x;
    P0 = d * d;
    P1 = d * w0;
    P2 = d * w1;
  } else {
    const h0 = f64At(v0, k), h1 = f64At(v1, k);
    const d = c + a0 * h0 + a1 * h1 - x;
    P0 = d;
    P1 = d * h0;
    P2 = d * h1;
  }
}

/**
 * Direct sums over a leaf's points into P0..P2; returns the first target after it
 * (halfplane.ts: evaluateLeaf). Two points at a time, one per f64x2 lane: lane 0 sums the
 * points lo, lo + 2, …, lane 1 the others, and the lanes are added at the end, as the
 * reference does. Branchless but for the rare targets: where z <= 0 a lane adds x² (0 for a
 * point without target) and +0, which changes no sum.
 */
@inline function evaluateLeaf(records: usize, v0: usize, v1: usize, v2: usize, leaf: i32, features: bool, a0: f64, a1: f64, c: f64, tPos: usize, tVal: usize, targetCount: i32, first: i32): i32 {
  let t = first;
  const record = records + <usize>leaf * NODE_BYTES;
  const start = load<i32>(record, 32);
  const end = load<i32>(record, 36);
  let nextTarget = t < targetCount ? i32At(tPos, t) : -1;
  const zero = f64x2.splat(0);
  const A0 = f64x2.splat(a0), A1 = f64x2.splat(a1), C = f64x2.splat(c);
  let s0 = zero, s1 = zero, s2 = zero;
  for (let k = start; k < end; k += 2) {
    const pair = k + 1 < end;
    let x0: f64 = 0, x1: f64 = 0;
    if (nextTarget == k) {
      x0 = f64At(tVal, t++);
      nextTarget = t < targetCount ? i32At(tPos, t) : -1;
    }
    if (pair && nextTarget == k + 1) {
      x1 = f64At(tVal, t++);
      nextTarget = t < targetCount ? i32At(tPos, t) : -1;
    }
    const x = f64x2.replace_lane(f64x2.splat(x0), 1, x1);
    const at = <usize>k << 3;
    // A lone last point: lane 1 gets zeros, whose terms are all +0 (z = c + 0 with x = 0
    // adds c or c² where c > 0 in the example form, so that lane is masked off below).
    const p0 = pair ? v128.load(v0 + at) : f64x2.replace_lane(zero, 0, load<f64>(v0 + at));
    const p1 = pair ? v128.load(v1 + at) : f64x2.replace_lane(zero, 0, load<f64>(v1 + at));
    if (features) {
      const p2 = pair ? v128.load(v2 + at) : f64x2.replace_lane(zero, 0, load<f64>(v2 + at));
      const z = f64x2.add(f64x2.add(p2, f64x2.mul(p0, A0)), f64x2.mul(p1, A1));
      const d = f64x2.sub(z, x);
      let on = f64x2.gt(z, zero);
      if (!pair) on = v128.and(on, i64x2.replace_lane(i64x2.splat(0), 0, -1));
      s0 = f64x2.add(s0, v128.bitselect(f64x2.mul(d, d), f64x2.mul(x, x), on));
      s1 = f64x2.add(s1, v128.and(f64x2.mul(d, p0), on));
      s2 = f64x2.add(s2, v128.and(f64x2.mul(d, p1), on));
    } else {
      const z = f64x2.add(f64x2.add(C, f64x2.mul(A0, p0)), f64x2.mul(A1, p1));
      const d = f64x2.sub(z, x);
      let on = f64x2.gt(z, zero);
      if (!pair) on = v128.and(on, i64x2.replace_lane(i64x2.splat(0), 0, -1));
      s0 = f64x2.add(s0, v128.and(d, on));
      s1 = f64x2.add(s1, v128.and(f64x2.mul(d, p0), on));
      s2 = f64x2.add(s2, v128.and(f64x2.mul(d, p1), on));
    }
  }
  P0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  P1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
  P2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  return t;
}

/** The targets ids[from, to) the tree holds, sorted by position (halfplane.ts: collectTargets). */
function collectTargets(desc: usize, ids: usize, vals: usize, from: i32, to: i32, tPos: usize, tVal: usize): i32 {
  const positionOf = word(desc, D_POSITION_OF);
  const idCount = load<i32>(desc + (D_ID_COUNT << 2));
  let count = 0;
  for (let k = from; k < to; k++) {
    const id = i32At(ids, k);
    const p = id < idCount ? i32At(positionOf, id) : -1;
    if (p < 0) continue;
    let i = count++;
    while (i > 0 && i32At(tPos, i - 1) > p) {
      store<i32>(tPos + (<usize>i << 2), i32At(tPos, i - 1));
      store<f64>(tVal + (<usize>i << 3), f64At(tVal, i - 1));
      i--;
    }
    store<i32>(tPos + (<usize>i << 2), p);
    store<f64>(tVal + (<usize>i << 3), f64At(vals, k));
  }
  return count;
}

/** One half-plane query, added into O0..O2 (halfplane.ts: halfPlaneSums, which explains the cases). */
function query(desc: usize, features: bool, a0: f64, a1: f64, c: f64, tPos: usize, tVal: usize, targetCount: i32, stack: usize): void {
  if (load<i32>(desc) == 0) return;
  const records = word(desc, D_RECORDS), v0 = word(desc, D_V0), v1 = word(desc, D_V1), v2 = word(desc, D_V2);
  const moments = word(desc, D_MOMENTS);
  let o0 = O0, o1 = O1, o2 = O2;
  let next = 0;
  let top = 0;
  store<i32>(stack, 0);
  top = 1;
  while (top > 0) {
    const node = i32At(stack, --top);
    const record = records + <usize>node * NODE_BYTES;
    const start = load<i32>(record, 32);
    for (; next < targetCount && i32At(tPos, next) < start; next++) {
      if (features) { const x = f64At(tVal, next); o0 += x * x; }
    }
    const side = sideOf(records, node, a0, a1, c);
    if (side == SKIP) continue;
    const end = load<i32>(record, 36);
    let last = next;
    while (last < targetCount && i32At(tPos, last) < end) last++;
    if (side == SUM && last > next) {
      if (2 * (last - next) <= end - start) {
        momentSum(node, features, moments, a0, a1, c);
        let s0 = P0, s1 = P1, s2 = P2;
        for (let k = next; k < last; k++) {
          pointTerms(v0, v1, v2, i32At(tPos, k), features, a0, a1, c, 0);
          s0 -= P0;
          s1 -= P1;
          s2 -= P2;
        }
        o0 += s0;
        o1 += s1;
        o2 += s2;
        for (; next < last; next++) {
          pointTerms(v0, v1, v2, i32At(tPos, next), features, a0, a1, c, f64At(tVal, next));
          o0 += P0;
          o1 += P1;
          o2 += P2;
        }
        continue;
      }
      // else: opened below, like a node the line crosses
    } else if (side == SUM) {
      momentSum(node, features, moments, a0, a1, c);
      o0 += P0;
      o1 += P1;
      o2 += P2;
      continue;
    }
    const right = load<i32>(record, 40);
    if (right >= 0) {
      store<i32>(stack + (<usize>top << 2), right);
      top++;
      store<i32>(stack + (<usize>top << 2), node + 1);
      top++;
      continue;
    }
    next = evaluateLeaf(records, v0, v1, v2, node, features, a0, a1, c, tPos, tVal, targetCount, next);
    o0 += P0;
    o1 += P1;
    o2 += P2;
  }
  for (; next < targetCount; next++) {
    if (features) { const x = f64At(tVal, next); o0 += x * x; }
  }
  O0 = o0;
  O1 = o1;
  O2 = o2;
}

/**
 * Example side for examples [t0, t1): per example, h = W x into H0[t], H1[t], then, over the three feature trees (descriptors
 * at trees, trees + 64, trees + 128; their constants 1, -1, 0), the squared error into SE[t]
 * and dL/dh (before 2/T) into G0[t], G1[t].
 */
export function exampleQueries(
  t0: i32, t1: i32, trees: usize,
  rowStart: usize, index: usize, value: usize, W0: usize, W1: usize, H0: usize, H1: usize,
  SE: usize, G0: usize, G1: usize, tPos: usize, tVal: usize, stack: usize,
): void {
  for (let t = t0; t < t1; t++) {
    O0 = 0;
    O1 = 0;
    O2 = 0;
    const from = i32At(rowStart, t), to = i32At(rowStart, t + 1);
    // Encoder: h = W x over the non-zeros, in order (tree.ts's reference loop).
    let h0: f64 = 0, h1: f64 = 0;
    for (let k = from; k < to; k++) {
      const j = i32At(index, k);
      const x = f64At(value, k);
      h0 += f64At(W0, j) * x;
      h1 += f64At(W1, j) * x;
    }
    store<f64>(H0 + (<usize>t << 3), h0);
    store<f64>(H1 + (<usize>t << 3), h1);
    for (let g = 0; g < 3; g++) {
      const desc = trees + <usize>(g << 6);
      const count = collectTargets(desc, index, value, from, to, tPos, tVal);
      query(desc, true, h0, h1, g == 0 ? 1.0 : g == 1 ? -1.0 : 0.0, tPos, tVal, count, stack);
    }
    store<f64>(SE + (<usize>t << 3), O0);
    store<f64>(G0 + (<usize>t << 3), O1);
    store<f64>(G1 + (<usize>t << 3), O2);
  }
}

/** Feature side for features [j0, j1): dL/db_j and dL/dw_j (times `scale`), decoder and encoder parts. */
export function featureQueries(
  j0: i32, j1: i32, tree: usize, scale: f64,
  colStart: usize, colRow: usize, colValue: usize, W0: usize, W1: usize, B: usize, G0: usize, G1: usize,
  gb: usize, gW0: usize, gW1: usize, tPos: usize, tVal: usize, stack: usize,
): void {
  for (let j = j0; j < j1; j++) {
    O0 = 0;
    O1 = 0;
    O2 = 0;
    const count = collectTargets(tree, colRow, colValue, i32At(colStart, j), i32At(colStart, j + 1), tPos, tVal);
    query(tree, false, f64At(W0, j), f64At(W1, j), f64At(B, j), tPos, tVal, count, stack);
    store<f64>(gb + (<usize>j << 3), scale * O0);
    // Encoder: dL/dW[:, j] += (dL/dh_t) x_tj over the examples where feature j is non-zero,
    // in example order, which is the order the reference's row-by-row loop adds them in.
    let e0 = scale * O1, e1 = scale * O2;
    for (let k = i32At(colStart, j), end = i32At(colStart, j + 1); k < end; k++) {
      const t = i32At(colRow, k);
      const x = f64At(colValue, k);
      e0 += scale * f64At(G0, t) * x;
      e1 += scale * f64At(G1, t) * x;
    }
    store<f64>(gW0 + (<usize>j << 3), e0);
    store<f64>(gW1 + (<usize>j << 3), e1);
  }
}

// ---------------------------------------------------------------------------------------
// Building a tree (halfplane.ts: buildKdTree, inTreeOrder, nodeMoments, the reference, with
// the same comparisons and the same arithmetic in the same order, so the trees and their
// moments are bitwise those of the reference).

let bItem: usize = 0;
let bX: usize = 0;
let bY: usize = 0;
let bRecords: usize = 0;
let bNodes: i32 = 0;

@inline function less(keys: usize, a: i32, b: i32): bool {
  const ka = f64At(keys, a), kb = f64At(keys, b);
  return ka < kb || (ka == kb && a < b);
}

@inline function swapItems(i: i32, j: i32): void {
  const pi = bItem + (<usize>i << 2), pj = bItem + (<usize>j << 2);
  const t = load<i32>(pi);
  store<i32>(pi, load<i32>(pj));
  store<i32>(pj, t);
}

/** Moves the k-th smallest of keys[item[lo..hi)] (ties by item index) to position k. */
function select(keys: usize, lo: i32, hi: i32, k: i32): void {
  let l = lo;
  let r = hi - 1;
  while (r > l) {
    const mid = (l + r) >> 1;
    if (less(keys, i32At(bItem, mid), i32At(bItem, l))) swapItems(mid, l);
    if (less(keys, i32At(bItem, r), i32At(bItem, l))) swapItems(r, l);
    if (less(keys, i32At(bItem, r), i32At(bItem, mid))) swapItems(r, mid);
    const pivot = i32At(bItem, mid);
    let i = l;
    let j = r;
    while (i <= j) {
      while (less(keys, i32At(bItem, i), pivot)) i++;
      while (less(keys, pivot, i32At(bItem, j))) j--;
      if (i <= j) {
        swapItems(i, j);
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

function buildNode(lo: i32, hi: i32, leafSize: i32): i32 {
  const node = bNodes++;
  const record = bRecords + <usize>node * NODE_BYTES;
  store<i32>(record, lo, 32);
  store<i32>(record, hi, 36);
  let x0: f64 = Infinity, x1: f64 = -Infinity, y0: f64 = Infinity, y1: f64 = -Infinity;
  for (let k = lo; k < hi; k++) {
    const p = i32At(bItem, k);
    const x = f64At(bX, p), y = f64At(bY, p);
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  store<f64>(record, x0);
  store<f64>(record, x1, 8);
  store<f64>(record, y0, 16);
  store<f64>(record, y1, 24);
  if (hi - lo <= leafSize) {
    store<i32>(record, -1, 40);
    return node;
  }
  const mid = (lo + hi) >> 1;
  select(x1 - x0 >= y1 - y0 ? bX : bY, lo, hi, mid);
  buildNode(lo, mid, leafSize);
  store<i32>(record, buildNode(mid, hi, leafSize), 40);
  return node;
}

/**
 * Builds the tree described at `desc` over the `count` point ids at item[0, count) (the
 * descriptor's arrays sized for them) with keys (X[id], Y[id]): node records, positionOf
 * (ids below idCount; −1 for those it does not hold), the values V0, V1 (and V2 when
 * dims = 3) in tree order, and the moments. Writes the node count into the descriptor.
 */
export function buildTree(desc: usize, item: usize, count: i32, leafSize: i32, X: usize, Y: usize, V0: usize, V1: usize, V2: usize, dims: i32): void {
  bItem = item;
  bX = X;
  bY = Y;
  bRecords = word(desc, D_RECORDS);
  bNodes = 0;
  if (count > 0) buildNode(0, count, leafSize);
  const nodes = bNodes;
  store<i32>(desc, nodes);
  const positionOf = word(desc, D_POSITION_OF);
  const idCount = load<i32>(desc + (D_ID_COUNT << 2));
  memory.fill(positionOf, 0xff, <usize>idCount << 2);
  const v0 = word(desc, D_V0), v1 = word(desc, D_V1), v2 = word(desc, D_V2);
  for (let k = 0; k < count; k++) {
    const id = i32At(item, k);
    store<i32>(positionOf + (<usize>id << 2), k);
    store<f64>(v0 + (<usize>k << 3), f64At(V0, id));
    store<f64>(v1 + (<usize>k << 3), f64At(V1, id));
    if (dims == 3) store<f64>(v2 + (<usize>k << 3), f64At(V2, id));
  }
  if (dims == 3) moments3(desc, nodes);
  else moments2(desc, nodes);
}

/** nodeMoments for (h0, h1): stride 6 (count, means, C00 C01 C11). */
function moments2(desc: usize, nodes: i32): void {
  const records = word(desc, D_RECORDS), out = word(desc, D_MOMENTS);
  const v0 = word(desc, D_V0), v1 = word(desc, D_V1);
  for (let node = nodes - 1; node >= 0; node--) {
    const record = records + <usize>node * NODE_BYTES;
    const at = out + <usize>node * 48;
    const right = load<i32>(record, 40);
    if (right < 0) {
      const lo = load<i32>(record, 32), hi = load<i32>(record, 36);
      const count = <f64>(hi - lo);
      let m0: f64 = 0, m1: f64 = 0;
      for (let k = lo; k < hi; k++) {
        m0 += f64At(v0, k);
        m1 += f64At(v1, k);
      }
      m0 /= count;
      m1 /= count;
      let c00: f64 = 0, c01: f64 = 0, c11: f64 = 0;
      for (let k = lo; k < hi; k++) {
        const d0 = f64At(v0, k) - m0, d1 = f64At(v1, k) - m1;
        c00 += d0 * d0;
        c01 += d0 * d1;
        c11 += d1 * d1;
      }
      store<f64>(at, count);
      store<f64>(at, m0, 8);
      store<f64>(at, m1, 16);
      store<f64>(at, c00, 24);
      store<f64>(at, c01, 32);
      store<f64>(at, c11, 40);
      continue;
    }
    const A = out + <usize>(node + 1) * 48, B = out + <usize>right * 48;
    const nA = load<f64>(A), nB = load<f64>(B), count = nA + nB;
    const d0 = load<f64>(B, 8) - load<f64>(A, 8), d1 = load<f64>(B, 16) - load<f64>(A, 16);
    store<f64>(at, count);
    store<f64>(at, load<f64>(A, 8) + d0 * (nB / count), 8);
    store<f64>(at, load<f64>(A, 16) + d1 * (nB / count), 16);
    const f = (nA * nB) / count;
    store<f64>(at, load<f64>(A, 24) + load<f64>(B, 24) + f * d0 * d0, 24);
    store<f64>(at, load<f64>(A, 32) + load<f64>(B, 32) + f * d0 * d1, 32);
    store<f64>(at, load<f64>(A, 40) + load<f64>(B, 40) + f * d1 * d1, 40);
  }
}

/** nodeMoments for (w0, w1, b): stride 10 (count, means, C00 C01 C02 C11 C12 C22). */
function moments3(desc: usize, nodes: i32): void {
  const records = word(desc, D_RECORDS), out = word(desc, D_MOMENTS);
  const v0 = word(desc, D_V0), v1 = word(desc, D_V1), v2 = word(desc, D_V2);
  for (let node = nodes - 1; node >= 0; node--) {
    const record = records + <usize>node * NODE_BYTES;
    const at = out + <usize>node * 80;
    const right = load<i32>(record, 40);
    if (right < 0) {
      const lo = load<i32>(record, 32), hi = load<i32>(record, 36);
      const count = <f64>(hi - lo);
      let m0: f64 = 0, m1: f64 = 0, m2: f64 = 0;
      for (let k = lo; k < hi; k++) {
        m0 += f64At(v0, k);
        m1 += f64At(v1, k);
        m2 += f64At(v2, k);
      }
      m0 /= count;
      m1 /= count;
      m2 /= count;
      let c00: f64 = 0, c01: f64 = 0, c02: f64 = 0, c11: f64 = 0, c12: f64 = 0, c22: f64 = 0;
      for (let k = lo; k < hi; k++) {
        const d0 = f64At(v0, k) - m0, d1 = f64At(v1, k) - m1, d2 = f64At(v2, k) - m2;
        c00 += d0 * d0;
        c01 += d0 * d1;
        c02 += d0 * d2;
        c11 += d1 * d1;
        c12 += d1 * d2;
        c22 += d2 * d2;
      }
      store<f64>(at, count);
      store<f64>(at, m0, 8);
      store<f64>(at, m1, 16);
      store<f64>(at, m2, 24);
      store<f64>(at, c00, 32);
      store<f64>(at, c01, 40);
      store<f64>(at, c02, 48);
      store<f64>(at, c11, 56);
      store<f64>(at, c12, 64);
      store<f64>(at, c22, 72);
      continue;
    }
    const A = out + <usize>(node + 1) * 80, B = out + <usize>right * 80;
    const nA = load<f64>(A), nB = load<f64>(B), count = nA + nB;
    const d0 = load<f64>(B, 8) - load<f64>(A, 8), d1 = load<f64>(B, 16) - load<f64>(A, 16), d2 = load<f64>(B, 24) - load<f64>(A, 24);
    store<f64>(at, count);
    store<f64>(at, load<f64>(A, 8) + d0 * (nB / count), 8);
    store<f64>(at, load<f64>(A, 16) + d1 * (nB / count), 16);
    store<f64>(at, load<f64>(A, 24) + d2 * (nB / count), 24);
    const f = (nA * nB) / count;
    store<f64>(at, load<f64>(A, 32) + load<f64>(B, 32) + f * d0 * d0, 32);
    store<f64>(at, load<f64>(A, 40) + load<f64>(B, 40) + f * d0 * d1, 40);
    store<f64>(at, load<f64>(A, 48) + load<f64>(B, 48) + f * d0 * d2, 48);
    store<f64>(at, load<f64>(A, 56) + load<f64>(B, 56) + f * d1 * d1, 56);
    store<f64>(at, load<f64>(A, 64) + load<f64>(B, 64) + f * d1 * d2, 64);
    store<f64>(at, load<f64>(A, 72) + load<f64>(B, 72) + f * d2 * d2, 72);
  }
}
