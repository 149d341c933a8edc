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
  const size = Math.abs(a0) * Math.max(-x0, x1) + Math.abs(a1) * Math.max(-y0, y1) + Math.abs(c);
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
 * Example side for examples [t0, t1): per example, over the three feature trees (descriptors
 * at trees, trees + 64, trees + 128; their constants 1, -1, 0), the squared error into SE[t]
 * and dL/dh (before 2/T) into G0[t], G1[t].
 */
export function exampleQueries(
  t0: i32, t1: i32, trees: usize,
  rowStart: usize, index: usize, value: usize, H0: usize, H1: usize,
  SE: usize, G0: usize, G1: usize, tPos: usize, tVal: usize, stack: usize,
): void {
  for (let t = t0; t < t1; t++) {
    O0 = 0;
    O1 = 0;
    O2 = 0;
    const h0 = f64At(H0, t), h1 = f64At(H1, t);
    const from = i32At(rowStart, t), to = i32At(rowStart, t + 1);
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

/** Feature side for features [j0, j1): dL/db_j and the decoder part of dL/dw_j (times `scale`). */
export function featureQueries(
  j0: i32, j1: i32, tree: usize, scale: f64,
  colStart: usize, colRow: usize, colValue: usize, W0: usize, W1: usize, B: usize,
  gb: usize, gW0: usize, gW1: usize, tPos: usize, tVal: usize, stack: usize,
): void {
  for (let j = j0; j < j1; j++) {
    O0 = 0;
    O1 = 0;
    O2 = 0;
    const count = collectTargets(tree, colRow, colValue, i32At(colStart, j), i32At(colStart, j + 1), tPos, tVal);
    query(tree, false, f64At(W0, j), f64At(W1, j), f64At(B, j), tPos, tVal, count, stack);
    store<f64>(gb + (<usize>j << 3), scale * O0);
    store<f64>(gW0 + (<usize>j << 3), scale * O1);
    store<f64>(gW1 + (<usize>j << 3), scale * O2);
  }
}
