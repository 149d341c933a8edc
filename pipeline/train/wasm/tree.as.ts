// AssemblyScript source of the tree engine's kernel (compiled to tree.wasm by
// `npm run build:kernel`; the .wasm is embedded in tree.wasm.ts and committed).
// It runs dualtree.ts's sums, and builds kdtree.ts's trees, with the same operations in the
// same order (no fused multiply-add, the same comparisons), so its results are bitwise equal
// to that reference (tests/unit/tree-engine.test.ts holds them to it). All arrays live in one
// shared linear memory; every pointer argument is a byte offset. Each worker thread runs its
// own share of the leaves and writes only their examples' (features') results, so the thread
// count changes nothing.

// @ts-nocheck

// Where a pair of boxes lies (dualtree.ts: pairSide).
const SKIP: i32 = 0;
const OPEN: i32 = 1;
const SUM: i32 = 2;
const MARGIN: f64 = 1e-2;
const SKIP_TOLERANCE: f64 = 1e-12;

// A tree descriptor: i32 words at `desc` (written by treeWasm.ts; the node count by
// buildTree; D_ITEM: the point id at each position). Nodes are
// 48-byte records (box x0 x1 y0 y1 as f64, then lo, hi, right as i32; the first child of a
// node is the next node, preorder; right < 0 at leaves), so a visit touches one cache line;
// the points' values are arrays in tree order (w0, w1, b or h0, h1), read two at a time.
const D_NODES = 0, D_RECORDS = 1, D_MOMENTS = 2, D_POSITION_OF = 3, D_ID_COUNT = 4, D_V0 = 5, D_V1 = 6, D_V2 = 7, D_ITEM = 8;
const NODE_BYTES: usize = 48;

// A node's sums from its moments (momentSum).
let P0: f64 = 0;
let P1: f64 = 0;
let P2: f64 = 0;

@inline function word(desc: usize, k: i32): usize {
  return <usize>load<i32>(desc + (<usize>k << 2));
}
@inline function i32At(base: usize, k: i32): i32 {
  return load<i32>(base + (<usize>k << 2));
}
@inline function f64At(base: usize, k: i32): f64 {
  return load<f64>(base + (<usize>k << 3));
}

/** A node's sums from its moments into P0..P2 (kdtree.ts: momentSum; `features`: stride 10 (w, b), else 6 (h)). */
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

// ---------------------------------------------------------------------------------------
// Building a tree (kdtree.ts: buildKdTree, inTreeOrder, nodeMoments, the reference, with
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

/**
 * Builds this part's share of the trees listed at jobs (their count, then per tree buildTree's
 * ten arguments as i32): tree k goes to part k % parts. Each instance keeps its own build
 * state, so parts build different trees at once; a tree is the same whoever builds it.
 */
export function buildTrees(part: i32, parts: i32, jobs: usize): void {
  for (let k = part, count = i32At(jobs, 0); k < count; k += parts) {
    const a = jobs + 4 + <usize>k * 40;
    buildTree(
      <usize>load<i32>(a), <usize>load<i32>(a, 4), load<i32>(a, 8), load<i32>(a, 12), <usize>load<i32>(a, 16),
      <usize>load<i32>(a, 20), <usize>load<i32>(a, 24), <usize>load<i32>(a, 28), <usize>load<i32>(a, 32), load<i32>(a, 36),
    );
  }
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

// ---------------------------------------------------------------------------------------
// The dual-tree sums (dualtree.ts, the reference, with the same operations in the same
// order).

/** h = W x for examples [t0, t1), over the non-zeros in order (tree.ts: computeH). */
export function computeH(t0: i32, t1: i32, rowStart: usize, index: usize, value: usize, W0: usize, W1: usize, H0: usize, H1: usize): void {
  for (let t = t0; t < t1; t++) {
    let h0: f64 = 0, h1: f64 = 0;
    for (let k = i32At(rowStart, t), end = i32At(rowStart, t + 1); k < end; k++) {
      const j = i32At(index, k);
      const x = f64At(value, k);
      h0 += f64At(W0, j) * x;
      h1 += f64At(W1, j) * x;
    }
    store<f64>(H0 + (<usize>t << 3), h0);
    store<f64>(H1 + (<usize>t << 3), h1);
  }
}

/** Pushes v on the i32 stack; returns the new top. */
@inline function push(stack: usize, top: i32, v: i32): i32 {
  store<i32>(stack + (<usize>top << 2), v);
  return top + 1;
}
@inline function mx(a: f64, b: f64): f64 {
  return a < b ? b : a;
}
@inline function mn(a: f64, b: f64): f64 {
  return a < b ? a : b;
}

/** dualtree.ts: pairSide (the split choice is not needed: one side is always a leaf). */
@inline function pairSide(qRec: usize, fRec: usize, c: f64): i32 {
  const ux0 = load<f64>(fRec), ux1 = load<f64>(fRec, 8), uy0 = load<f64>(fRec, 16), uy1 = load<f64>(fRec, 24);
  const hx0 = load<f64>(qRec), hx1 = load<f64>(qRec, 8), hy0 = load<f64>(qRec, 16), hy1 = load<f64>(qRec, 24);
  const p0 = ux0 * hx0, p1 = ux0 * hx1, p2 = ux1 * hx0, p3 = ux1 * hx1;
  const r0 = uy0 * hy0, r1 = uy0 * hy1, r2 = uy1 * hy0, r3 = uy1 * hy1;
  const pMax = mx(mx(p0, p1), mx(p2, p3)), rMax = mx(mx(r0, r1), mx(r2, r3));
  const uMax0 = mx(-ux0, ux1), uMax1 = mx(-uy0, uy1);
  const hMax0 = mx(-hx0, hx1), hMax1 = mx(-hy0, hy1);
  const cAbs = c < 0 ? -c : c;
  const size = uMax0 * hMax0 + uMax1 * hMax1 + cAbs;
  const zMax = c + pMax + rMax;
  if (!(zMax >= -SKIP_TOLERANCE * size) || size == 0) return SKIP;
  const pMin = mn(mn(p0, p1), mn(p2, p3)), rMin = mn(mn(r0, r1), mn(r2, r3));
  return c + pMin + rMin > MARGIN * size ? SUM : OPEN;
}

/** dualtree.ts: mergeMoments, for dims 3 (stride 10) or 2 (stride 6). */
function mergeMoments(acc: usize, src: usize, dims: i32): void {
  const nA = load<f64>(acc);
  const width = 1 + dims + ((dims * (dims + 1)) >> 1);
  if (nA == 0) {
    memory.copy(acc, src, <usize>width << 3);
    return;
  }
  const nB = load<f64>(src);
  const count = nA + nB;
  const f = (nA * nB) / count;
  let c = 1 + dims;
  for (let p = 0; p < dims; p++) {
    const dp = f64At(src, 1 + p) - f64At(acc, 1 + p);
    for (let q = p; q < dims; q++, c++) {
      store<f64>(acc + (<usize>c << 3), f64At(acc, c) + f64At(src, c) + f * dp * (f64At(src, 1 + q) - f64At(acc, 1 + q)));
    }
  }
  for (let p = 0; p < dims; p++) {
    store<f64>(acc + (<usize>(1 + p) << 3), f64At(acc, 1 + p) + (f64At(src, 1 + p) - f64At(acc, 1 + p)) * (nB / count));
  }
  store<f64>(acc, count);
}

/** Records each point id's leaf (node index) in leafOf (and, when groupOf ≠ 0, the tree g in groupOf, u8). */
function leavesOf(desc: usize, leafOf: usize, groupOf: usize, g: i32): void {
  const records = word(desc, D_RECORDS), item = word(desc, D_ITEM);
  for (let node = 0, nodes = load<i32>(desc); node < nodes; node++) {
    const rec = records + <usize>node * NODE_BYTES;
    if (load<i32>(rec, 40) >= 0) continue;
    for (let k = load<i32>(rec, 32), end = load<i32>(rec, 36); k < end; k++) {
      const id = i32At(item, k);
      store<i32>(leafOf + (<usize>id << 2), node);
      if (groupOf != 0) store<u8>(groupOf + <usize>id, <u8>g);
    }
  }
}

/**
 * After the four trees are built: each example's and each feature's leaf and each feature's
 * tree; the units of work (examples' leaves: count, then nodes; feature leaves: count, then
 * pairs tree, node), all in preorder.
 */
export function dualIndex(qDesc: usize, trees: usize, leafOfQ: usize, leafOfF: usize, groupOf: usize, exampleUnits: usize, featureUnits: usize): void {
  leavesOf(qDesc, leafOfQ, 0, 0);
  let count = 0;
  const qRecords = word(qDesc, D_RECORDS);
  for (let node = 0, nodes = load<i32>(qDesc); node < nodes; node++) {
    if (load<i32>(qRecords + <usize>node * NODE_BYTES, 40) < 0) store<i32>(exampleUnits + (<usize>++count << 2), node);
  }
  store<i32>(exampleUnits, count);
  count = 0;
  for (let g = 0; g < 3; g++) {
    const desc = trees + <usize>(g << 6);
    leavesOf(desc, leafOfF, groupOf, g);
    const records = word(desc, D_RECORDS);
    for (let node = 0, nodes = load<i32>(desc); node < nodes; node++) {
      if (load<i32>(records + <usize>node * NODE_BYTES, 40) >= 0) continue;
      store<i32>(featureUnits + (<usize>(1 + 2 * count) << 2), g);
      store<i32>(featureUnits + (<usize>(2 + 2 * count) << 2), node);
      count++;
    }
  }
  store<i32>(featureUnits, count);
}

/**
 * Example side (dualtree.ts), for part `part` of `parts` of the examples' leaves (units):
 * per leaf, the feature trees' nodes summed into acc and their leaves' features gathered
 * into gw0, gw1, gb; then per example its squared error and dL/dh (before 2/T) into SE, G0,
 * G1 by example id. Scratch: gw0, gw1, gb, xRow (n + 1 f64; xRow zero), columnOf (per tree
 * at + g · columnStride, −1), gathered (i32 pairs), acc (10 f64), stack. handled starts zeroed.
 */
export function dualExamples(
  part: i32, parts: i32, units: usize, qDesc: usize, trees: usize,
  rowStart: usize, index: usize, value: usize, groupOf: usize, leafOfF: usize, handled: usize, W0: usize, W1: usize, B: usize,
  SE: usize, G0: usize, G1: usize,
  gw0: usize, gw1: usize, gb: usize, xRow: usize, columnOf: usize, columnStride: usize, gathered: usize, acc: usize, stack: usize,
): void {
  const qRecords = word(qDesc, D_RECORDS), qItem = word(qDesc, D_ITEM);
  const qv0 = word(qDesc, D_V0), qv1 = word(qDesc, D_V1);
  const zero = f64x2.splat(0);
  const unitCount = i32At(units, 0);
  for (let u = (part * unitCount) / parts, u1 = ((part + 1) * unitCount) / parts; u < u1; u++) {
    const q = i32At(units, 1 + u);
    const qRec = qRecords + <usize>q * NODE_BYTES;
    memory.fill(acc, 0, 80);
    let m = 0;
    let ng = 0;
    for (let g = 0; g < 3; g++) {
      const fDesc = trees + <usize>(g << 6);
      if (load<i32>(fDesc) == 0) continue;
      const fRecords = word(fDesc, D_RECORDS), fMoments = word(fDesc, D_MOMENTS);
      const w0 = word(fDesc, D_V0), w1 = word(fDesc, D_V1), b = word(fDesc, D_V2);
      const colOf = columnOf + <usize>g * columnStride;
      const c: f64 = g == 0 ? 1.0 : g == 1 ? -1.0 : 0.0;
      let top = push(stack, 0, 0);
      while (top > 0) {
        const f = i32At(stack, --top);
        const fRec = fRecords + <usize>f * NODE_BYTES;
        const side = pairSide(qRec, fRec, c);
        if (side == SKIP) continue;
        if (side == SUM) {
          mergeMoments(acc, fMoments + <usize>f * 80, 3);
          continue;
        }
        const right = load<i32>(fRec, 40);
        if (right >= 0) {
          top = push(stack, top, right);
          top = push(stack, top, f + 1);
          continue;
        }
        store<i32>(colOf + (<usize>f << 2), m);
        ng = push(gathered, ng, g);
        ng = push(gathered, ng, f);
        const lo = load<i32>(fRec, 32), hi = load<i32>(fRec, 36);
        // A leaf holds a few features: a plain loop beats memory.copy's call.
        for (let i = lo; i < hi; i++, m++) {
          store<f64>(gw0 + (<usize>m << 3), f64At(w0, i));
          store<f64>(gw1 + (<usize>m << 3), f64At(w1, i));
          store<f64>(gb + (<usize>m << 3), f64At(b, i));
        }
      }
    }
    if (m & 1) {
      store<f64>(gw0 + (<usize>m << 3), 0);
      store<f64>(gw1 + (<usize>m << 3), 0);
      store<f64>(gb + (<usize>m << 3), 0);
      m++;
    }
    for (let k = load<i32>(qRec, 32), kEnd = load<i32>(qRec, 36); k < kEnd; k++) {
      const t = i32At(qItem, k);
      const h0 = f64At(qv0, k), h1 = f64At(qv1, k);
      const rFrom = i32At(rowStart, t), rTo = i32At(rowStart, t + 1);
      setRowTargets(rFrom, rTo, index, value, groupOf, leafOfF, trees, columnOf, columnStride, xRow, handled, true);
      const A0 = f64x2.splat(h0), A1 = f64x2.splat(h1);
      let s0 = zero, s1 = zero, s2 = zero;
      for (let i = 0; i < m; i += 2) {
        const at = <usize>i << 3;
        const x = v128.load(xRow + at);
        const p0 = v128.load(gw0 + at), p1 = v128.load(gw1 + at), p2 = v128.load(gb + at);
        const z = f64x2.add(f64x2.add(p2, f64x2.mul(p0, A0)), f64x2.mul(p1, A1));
        const d = f64x2.sub(z, x);
        const on = f64x2.gt(z, zero);
        s0 = f64x2.add(s0, v128.bitselect(f64x2.mul(d, d), f64x2.mul(x, x), on));
        s1 = f64x2.add(s1, v128.and(f64x2.mul(d, p0), on));
        s2 = f64x2.add(s2, v128.and(f64x2.mul(d, p1), on));
      }
      let e = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
      let e0 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
      let e1 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
      setRowTargets(rFrom, rTo, index, value, groupOf, leafOfF, trees, columnOf, columnStride, xRow, handled, false);
      if (load<f64>(acc) != 0) {
        momentSum(0, true, acc, h0, h1, 0);
        e += P0;
        e0 += P1;
        e1 += P2;
      }
      for (let r = rFrom; r < rTo; r++) {
        if (load<u8>(handled + <usize>r) == 1) continue;
        const j = i32At(index, r);
        const x = f64At(value, r);
        const wj0 = f64At(W0, j), wj1 = f64At(W1, j);
        const z = f64At(B, j) + wj0 * h0 + wj1 * h1;
        if (!(z > 0)) {
          e += x * x;
          continue;
        }
        const d = z - x;
        e += d * d - z * z;
        e0 += d * wj0 - z * wj0;
        e1 += d * wj1 - z * wj1;
      }
      store<f64>(SE + (<usize>t << 3), e);
      store<f64>(G0 + (<usize>t << 3), e0);
      store<f64>(G1 + (<usize>t << 3), e1);
    }
    for (let p = 0; p < ng; p += 2) store<i32>(columnOf + <usize>i32At(gathered, p) * columnStride + (<usize>i32At(gathered, p + 1) << 2), -1);
  }
}

/** An example's targets among the gathered columns into xRow (marked handled), or cleared. */
@inline function setRowTargets(
  from: i32, to: i32, index: usize, value: usize, groupOf: usize, leafOfF: usize, trees: usize, columnOf: usize, columnStride: usize,
  xRow: usize, handled: usize, set: bool,
): void {
  for (let r = from; r < to; r++) {
    const j = i32At(index, r);
    const g = <i32>load<u8>(groupOf + <usize>j), f = i32At(leafOfF, j);
    const column = i32At(columnOf + <usize>g * columnStride, f);
    if (column < 0) continue;
    const fDesc = trees + <usize>(g << 6);
    const lo = load<i32>(word(fDesc, D_RECORDS) + <usize>f * NODE_BYTES, 32);
    const at = xRow + (<usize>(column + i32At(word(fDesc, D_POSITION_OF), j) - lo) << 3);
    if (set) {
      store<f64>(at, f64At(value, r));
      store<u8>(handled + <usize>r, 1);
    } else {
      store<f64>(at, 0);
    }
  }
}

/** A feature's targets among the gathered rows into lane `lane` of xPair (marked handled), or cleared. */
@inline function setColumnTargets(
  j: i32, lane: i32, colStart: usize, colRow: usize, colEntry: usize, colValue: usize, leafOfQ: usize, qDesc: usize, rowOf: usize,
  xPair: usize, handled: usize, set: bool,
): void {
  const qRecords = word(qDesc, D_RECORDS), qPositionOf = word(qDesc, D_POSITION_OF);
  for (let e = i32At(colStart, j), end = i32At(colStart, j + 1); e < end; e++) {
    const t = i32At(colRow, e), q = i32At(leafOfQ, t);
    const row0 = i32At(rowOf, q);
    if (row0 < 0) continue;
    const row = row0 + i32At(qPositionOf, t) - load<i32>(qRecords + <usize>q * NODE_BYTES, 32);
    const at = xPair + (<usize>(2 * row + lane) << 3);
    if (set) {
      store<f64>(at, f64At(colValue, e));
      store<u8>(handled + <usize>i32At(colEntry, e), 1);
    } else {
      store<f64>(at, 0);
    }
  }
}

/**
 * Feature side (dualtree.ts), for part `part` of `parts` of the feature leaves (units: tree,
 * node): per leaf, the examples' tree nodes summed into acc and its leaves' rows gathered
 * into gh0, gh1; then per feature dL/db_j and dL/dw_j (decoder, then encoder terms in example
 * order) times `scale` into gb, gW0, gW1. Scratch: gh0, gh1 (T f64), xPair (2T f64, zero),
 * rowOf (per examples' node, −1), gathered (i32), acc (6 f64), stack. handled starts zeroed.
 */
export function dualFeatures(
  part: i32, parts: i32, units: usize, qDesc: usize, trees: usize, leafOfQ: usize, handled: usize,
  colStart: usize, colRow: usize, colEntry: usize, colValue: usize, W0: usize, W1: usize, B: usize, H0: usize, H1: usize,
  G0: usize, G1: usize, scale: f64, gb: usize, gW0: usize, gW1: usize,
  gh0: usize, gh1: usize, xPair: usize, rowOf: usize, gathered: usize, acc: usize, stack: usize,
): void {
  const qRecords = word(qDesc, D_RECORDS), qMoments = word(qDesc, D_MOMENTS);
  const qv0 = word(qDesc, D_V0), qv1 = word(qDesc, D_V1);
  const qNodes = load<i32>(qDesc);
  const zero = f64x2.splat(0);
  const lane0 = i64x2.replace_lane(i64x2.splat(0), 0, -1);
  const unitCount = i32At(units, 0);
  for (let u = (part * unitCount) / parts, u1 = ((part + 1) * unitCount) / parts; u < u1; u++) {
    const g = i32At(units, 1 + 2 * u), f = i32At(units, 2 + 2 * u);
    const fDesc = trees + <usize>(g << 6);
    const fRec = word(fDesc, D_RECORDS) + <usize>f * NODE_BYTES, fItem = word(fDesc, D_ITEM);
    const w0 = word(fDesc, D_V0), w1 = word(fDesc, D_V1), bv = word(fDesc, D_V2);
    const c: f64 = g == 0 ? 1.0 : g == 1 ? -1.0 : 0.0;
    memory.fill(acc, 0, 48);
    let m = 0;
    let nq = 0;
    let top = qNodes > 0 ? push(stack, 0, 0) : 0;
    while (top > 0) {
      const q = i32At(stack, --top);
      const qRec = qRecords + <usize>q * NODE_BYTES;
      const side = pairSide(qRec, fRec, c);
      if (side == SKIP) continue;
      if (side == SUM) {
        mergeMoments(acc, qMoments + <usize>q * 48, 2);
        continue;
      }
      const right = load<i32>(qRec, 40);
      if (right >= 0) {
        top = push(stack, top, right);
        top = push(stack, top, q + 1);
        continue;
      }
      store<i32>(rowOf + (<usize>q << 2), m);
      nq = push(gathered, nq, q);
      const lo = load<i32>(qRec, 32), hi = load<i32>(qRec, 36);
      for (let k = lo; k < hi; k++, m++) {
        store<f64>(gh0 + (<usize>m << 3), f64At(qv0, k));
        store<f64>(gh1 + (<usize>m << 3), f64At(qv1, k));
      }
    }
    for (let i = load<i32>(fRec, 32), fHi = load<i32>(fRec, 36); i < fHi; i += 2) {
      const pair = i + 1 < fHi;
      setColumnTargets(i32At(fItem, i), 0, colStart, colRow, colEntry, colValue, leafOfQ, qDesc, rowOf, xPair, handled, true);
      if (pair) setColumnTargets(i32At(fItem, i + 1), 1, colStart, colRow, colEntry, colValue, leafOfQ, qDesc, rowOf, xPair, handled, true);
      const at = <usize>i << 3;
      const p0 = pair ? v128.load(w0 + at) : f64x2.replace_lane(zero, 0, load<f64>(w0 + at));
      const p1 = pair ? v128.load(w1 + at) : f64x2.replace_lane(zero, 0, load<f64>(w1 + at));
      const p2 = pair ? v128.load(bv + at) : f64x2.replace_lane(zero, 0, load<f64>(bv + at));
      const mask = pair ? v128.not(zero) : lane0;
      let s0 = zero, s1 = zero, s2 = zero;
      for (let row = 0; row < m; row++) {
        const A0 = f64x2.splat(f64At(gh0, row)), A1 = f64x2.splat(f64At(gh1, row));
        const x = v128.load(xPair + (<usize>row << 4));
        const z = f64x2.add(f64x2.add(p2, f64x2.mul(p0, A0)), f64x2.mul(p1, A1));
        const d = f64x2.sub(z, x);
        const on = v128.and(f64x2.gt(z, zero), mask);
        s0 = f64x2.add(s0, v128.and(d, on));
        s1 = f64x2.add(s1, v128.and(f64x2.mul(d, A0), on));
        s2 = f64x2.add(s2, v128.and(f64x2.mul(d, A1), on));
      }
      const width: i32 = pair ? 2 : 1;
      for (let lane = 0; lane < width; lane++) {
        const p = i + lane, j = i32At(fItem, p);
        let s = lane == 0 ? f64x2.extract_lane(s0, 0) : f64x2.extract_lane(s0, 1);
        let sw0 = lane == 0 ? f64x2.extract_lane(s1, 0) : f64x2.extract_lane(s1, 1);
        let sw1 = lane == 0 ? f64x2.extract_lane(s2, 0) : f64x2.extract_lane(s2, 1);
        if (load<f64>(acc) != 0) {
          momentSum(0, false, acc, f64At(w0, p), f64At(w1, p), f64At(bv, p));
          s += P0;
          sw0 += P1;
          sw1 += P2;
        }
        const wj0 = f64At(W0, j), wj1 = f64At(W1, j), bj = f64At(B, j);
        const from = i32At(colStart, j), to = i32At(colStart, j + 1);
        for (let e = from; e < to; e++) {
          if (load<u8>(handled + <usize>i32At(colEntry, e)) == 1) continue;
          const t = i32At(colRow, e);
          const h0 = f64At(H0, t), h1 = f64At(H1, t);
          const z = bj + wj0 * h0 + wj1 * h1;
          if (!(z > 0)) continue;
          const d = z - f64At(colValue, e);
          s += d - z;
          sw0 += d * h0 - z * h0;
          sw1 += d * h1 - z * h1;
        }
        store<f64>(gb + (<usize>j << 3), scale * s);
        let e0 = scale * sw0, e1 = scale * sw1;
        for (let e = from; e < to; e++) {
          const t = i32At(colRow, e);
          const x = f64At(colValue, e);
          e0 += scale * f64At(G0, t) * x;
          e1 += scale * f64At(G1, t) * x;
        }
        store<f64>(gW0 + (<usize>j << 3), e0);
        store<f64>(gW1 + (<usize>j << 3), e1);
      }
      setColumnTargets(i32At(fItem, i), 0, colStart, colRow, colEntry, colValue, leafOfQ, qDesc, rowOf, xPair, handled, false);
      if (pair) setColumnTargets(i32At(fItem, i + 1), 1, colStart, colRow, colEntry, colValue, leafOfQ, qDesc, rowOf, xPair, handled, false);
    }
    for (let p = 0; p < nq; p++) store<i32>(rowOf + (<usize>i32At(gathered, p) << 2), -1);
  }
}
