/**
 * The tree engine's sums (issue 24), by boxes of points rather than one point at a time.
 * Examples are keyed by h_t (one k-d tree, leaves of DUAL_EXAMPLE_LEAF), features by
 * u_j = w_j / |b_j| (three trees by the sign of b_j, constant c = 1, −1, 0; leaves of
 * DUAL_FEATURE_LEAF), so z_tj = |b_j| (c + u_j · h_t) (kdtree.ts holds the trees).
 *
 * Example side, one leaf L of the examples' tree at a time: the feature trees are walked
 * with L's box, and interval products of the two boxes bound the sign of every z_tj for t in
 * L and j in the node:
 *  - every z below zero beyond rounding: the node adds nothing;
 *  - every z above MARGIN × (|u||h| + |c|): the node's (w, b) moments are merged into L's
 *    accumulator, which each example of L then evaluates at its own h (kdtree.ts: momentSum,
 *    so a node's rounding stays near eps/MARGIN² of its terms);
 *  - otherwise the walk goes down, and the features of each leaf it reaches are gathered into
 *    one list, which every example of L then runs through output by output with the dense
 *    kernel's expression b + w0 h0 + w1 h1, so every output near a boundary is classified as
 *    the dense kernel classifies it. Gathering the leaves first makes the inner loop long.
 * The feature side is the same with the roles swapped: one feature leaf at a time, the
 * examples' tree walked with its box, h moments merged, examples' rows gathered.
 * At n = T = 10,000 about 3.5 % of the n·T outputs are evaluated one by one.
 *
 * Targets (the ~10 non-zero x_tj per example): a target among the gathered outputs takes its
 * own x there, so its terms are (ReLU(z) − x)² and (z − x) in one piece, and is marked
 * handled; a target left unhandled lay in a node summed from moments (z > 0: its x = 0 terms
 * come out and its own terms go in) or in a skipped node (it adds x² to its example's squared
 * error).
 *
 * Every sum has a fixed order given the trees, and each leaf writes only its own examples'
 * (features') results, so leaves can be shared among any number of threads with the same
 * result. Gathered outputs are taken two at a time as in the kernel's SIMD lanes
 * (wasm/tree.as.ts runs these sums with the same operations in the same order; the tests hold
 * it bitwise to this file).
 */
import { buildKdTree, inTreeOrder, MARGIN, momentSum, nodeMoments, part, SKIP_TOLERANCE, type KdTree } from './kdtree.ts';

/**
 * Points per leaf of the examples' tree and of the feature trees. Smaller feature leaves
 * evaluate fewer outputs one by one but cost more node tests: at n = T = 10,000 early in
 * training, feature leaves of 8 with example leaves of 32 evaluate 3.5 % of the outputs with
 * 0.3 million node tests (16 and 32: 4.9 %, 0.2 million); feature leaves of 4, 8 and 16
 * time the same within noise (bench/tree-profile.ts). Walking from nodes of 64 examples and
 * 16 features instead of from single leaves was slower.
 */
export const DUAL_EXAMPLE_LEAF = 32;
export const DUAL_FEATURE_LEAF = 8;

const FEATURE_STRIDE = 10;
const EXAMPLE_STRIDE = 6;

export interface DualTreeInputs {
  n: number;
  T: number;
  /** h per example id. */
  H0: Float64Array;
  H1: Float64Array;
  /** w and b per feature id. */
  W0: Float64Array;
  W1: Float64Array;
  B: Float64Array;
  /** Feature keys (w / |b|, or w where b = 0) per feature id. */
  U0: Float64Array;
  U1: Float64Array;
  /** Feature ids of the three groups (b > 0, b < 0, b = 0); their constants c. */
  groups: Int32Array[];
  groupSigns: readonly number[];
  /** The non-zero targets by example (CSR), and by feature: colStart, colRow and colEntry (the entry's index in the rows). */
  rowStart: Int32Array;
  index: Int32Array;
  value: ArrayLike<number>;
  colStart: Int32Array;
  colRow: Int32Array;
  colEntry: Int32Array;
}

/**
 * Per example id: Σ (ReLU(z) − x)² (a target with z ≤ 0 adds x²) and Σ (z − x) w over z > 0;
 * per feature id: Σ (z − x) and Σ (z − x) h over z > 0.
 */
export interface DualTreeSums {
  SE: Float64Array;
  G0: Float64Array;
  G1: Float64Array;
  Sb: Float64Array;
  Sw0: Float64Array;
  Sw1: Float64Array;
}

/** Merges the moments at src[s…] into acc[a…] (count, means, centred upper triangle; as nodeMoments merges children). */
function mergeMoments(acc: Float64Array, a: number, src: Float64Array, s: number, dims: number): void {
  const nA = acc[a];
  if (nA === 0) {
    for (let k = 0, width = 1 + dims + (dims * (dims + 1)) / 2; k < width; k++) acc[a + k] = src[s + k];
    return;
  }
  const nB = src[s];
  const count = nA + nB;
  const f = (nA * nB) / count;
  let c = 1 + dims;
  for (let p = 0; p < dims; p++) {
    const dp = src[s + 1 + p] - acc[a + 1 + p];
    for (let q = p; q < dims; q++, c++) acc[a + c] = acc[a + c] + src[s + c] + f * dp * (src[s + 1 + q] - acc[a + 1 + q]);
  }
  for (let p = 0; p < dims; p++) acc[a + 1 + p] = acc[a + 1 + p] + (src[s + 1 + p] - acc[a + 1 + p]) * (nB / count);
  acc[a] = count;
}

const SKIP = 0, OPEN = 1, SUM = 2;

/** Where the pair (q of the examples' tree, f of a feature tree with constant c) lies. */
function pairSide(qBox: Float64Array, q: number, fBox: Float64Array, f: number, c: number): number {
  const ux0 = fBox[4 * f], ux1 = fBox[4 * f + 1], uy0 = fBox[4 * f + 2], uy1 = fBox[4 * f + 3];
  const hx0 = qBox[4 * q], hx1 = qBox[4 * q + 1], hy0 = qBox[4 * q + 2], hy1 = qBox[4 * q + 3];
  const p0 = ux0 * hx0, p1 = ux0 * hx1, p2 = ux1 * hx0, p3 = ux1 * hx1;
  const r0 = uy0 * hy0, r1 = uy0 * hy1, r2 = uy1 * hy0, r3 = uy1 * hy1;
  const pMax = max(max(p0, p1), max(p2, p3)), rMax = max(max(r0, r1), max(r2, r3));
  const uMax0 = max(-ux0, ux1), uMax1 = max(-uy0, uy1);
  const hMax0 = max(-hx0, hx1), hMax1 = max(-hy0, hy1);
  const cAbs = c < 0 ? -c : c;
  const size = uMax0 * hMax0 + uMax1 * hMax1 + cAbs;
  const zMax = c + pMax + rMax;
  if (!(zMax >= -SKIP_TOLERANCE * size) || size === 0) return SKIP;
  const pMin = min(min(p0, p1), min(p2, p3)), rMin = min(min(r0, r1), min(r2, r3));
  return c + pMin + rMin > MARGIN * size ? SUM : OPEN;
}
const max = (a: number, b: number) => (a < b ? b : a);
const min = (a: number, b: number) => (a < b ? a : b);

interface FeatureTree {
  tree: KdTree;
  w0: Float64Array;
  w1: Float64Array;
  b: Float64Array;
  moments: Float64Array;
  c: number;
}

export function dualTreeSums(input: DualTreeInputs, out: DualTreeSums): void {
  const { n, T, H0, H1, W0, W1, B, U0, U1, groups, groupSigns, rowStart, index, value, colStart, colRow, colEntry } = input;
  const Q = buildKdTree(Int32Array.from({ length: T }, (_, t) => t), H0, H1, T, DUAL_EXAMPLE_LEAF);
  const qh0 = inTreeOrder(Q, H0), qh1 = inTreeOrder(Q, H1);
  const qMoments = nodeMoments(Q, [qh0, qh1]);
  const F: FeatureTree[] = groups.map((ids, g) => {
    const tree = buildKdTree(ids, U0, U1, n, DUAL_FEATURE_LEAF);
    const w0 = inTreeOrder(tree, W0), w1 = inTreeOrder(tree, W1), b = inTreeOrder(tree, B);
    return { tree, w0, w1, b, moments: nodeMoments(tree, [w0, w1, b]), c: groupSigns[g] };
  });
  // Each point's leaf (node index), by id.
  const leafOfQ = new Int32Array(T);
  forEachLeaf(Q, (leaf, k) => (leafOfQ[Q.item[k]] = leaf));
  const groupOf = new Int8Array(n), leafOfF = new Int32Array(n);
  F.forEach(({ tree }, g) => forEachLeaf(tree, (leaf, k) => {
    groupOf[tree.item[k]] = g;
    leafOfF[tree.item[k]] = leaf;
  }));
  const handled = new Uint8Array(rowStart[T]);
  const stack = new Int32Array(256);

  // Example side, one leaf of the examples' tree at a time.
  const acc = new Float64Array(FEATURE_STRIDE);
  const gw0 = new Float64Array(n + 1), gw1 = new Float64Array(n + 1), gb = new Float64Array(n + 1), xRow = new Float64Array(n + 1);
  const columnOf = F.map(({ tree }) => new Int32Array(tree.nodes).fill(-1));
  const lanes = new Float64Array(6);
  forEachLeafNode(Q, (q) => {
    acc.fill(0);
    let m = 0;
    const gathered: number[] = [];
    for (let g = 0; g < F.length; g++) {
      const { tree, w0, w1, b, moments, c } = F[g];
      if (tree.nodes === 0) continue;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const f = stack[--top];
        const side = pairSide(Q.box, q, tree.box, f, c);
        if (side === SKIP) continue;
        if (side === SUM) {
          mergeMoments(acc, 0, moments, FEATURE_STRIDE * f, 3);
        } else if (tree.left[f] >= 0) {
          stack[top++] = tree.right[f];
          stack[top++] = tree.left[f];
        } else {
          columnOf[g][f] = m;
          gathered.push(g, f);
          for (let i = tree.lo[f]; i < tree.hi[f]; i++, m++) {
            gw0[m] = w0[i];
            gw1[m] = w1[i];
            gb[m] = b[i];
          }
        }
      }
    }
    // An odd column count is padded with a feature w = 0, b = 0 (z = 0: it adds +0 everywhere).
    if (m & 1) {
      gw0[m] = 0;
      gw1[m] = 0;
      gb[m] = 0;
      m++;
    }
    for (let k = Q.lo[q]; k < Q.hi[q]; k++) {
      const t = Q.item[k];
      const h0 = qh0[k], h1 = qh1[k];
      // This example's targets among the gathered columns.
      for (let r = rowStart[t]; r < rowStart[t + 1]; r++) {
        const j = index[r], g = groupOf[j], f = leafOfF[j];
        if (columnOf[g][f] < 0) continue;
        xRow[columnOf[g][f] + F[g].tree.positionOf[j] - F[g].tree.lo[f]] = value[r];
        handled[r] = 1;
      }
      lanes.fill(0);
      for (let i = 0; i < m; i++) {
        const lane = 3 * (i & 1);
        const x = xRow[i];
        const z = gb[i] + gw0[i] * h0 + gw1[i] * h1;
        const d = z - x;
        lanes[lane] += z > 0 ? d * d : x * x;
        lanes[lane + 1] += z > 0 ? d * gw0[i] : 0;
        lanes[lane + 2] += z > 0 ? d * gw1[i] : 0;
      }
      let e = lanes[0] + lanes[3], e0 = lanes[1] + lanes[4], e1 = lanes[2] + lanes[5];
      for (let r = rowStart[t]; r < rowStart[t + 1]; r++) {
        const j = index[r], g = groupOf[j], f = leafOfF[j];
        if (columnOf[g][f] >= 0) xRow[columnOf[g][f] + F[g].tree.positionOf[j] - F[g].tree.lo[f]] = 0;
      }
      if (acc[0] !== 0) {
        momentSum(0, true, acc, h0, h1, 0);
        e += part[0];
        e0 += part[1];
        e1 += part[2];
      }
      for (let r = rowStart[t]; r < rowStart[t + 1]; r++) {
        if (handled[r] === 1) continue;
        const j = index[r];
        const x = value[r];
        const z = B[j] + W0[j] * h0 + W1[j] * h1;
        if (!(z > 0)) {
          e += x * x;
          continue;
        }
        const d = z - x;
        e += d * d - z * z;
        e0 += d * W0[j] - z * W0[j];
        e1 += d * W1[j] - z * W1[j];
      }
      out.SE[t] = e;
      out.G0[t] = e0;
      out.G1[t] = e1;
    }
    for (let p = 0; p < gathered.length; p += 2) columnOf[gathered[p]][gathered[p + 1]] = -1;
  });

  // Feature side, one leaf of a feature tree at a time.
  handled.fill(0);
  const acc2 = new Float64Array(EXAMPLE_STRIDE);
  const gh0 = new Float64Array(T), gh1 = new Float64Array(T), xPair = new Float64Array(2 * T);
  const rowOf = new Int32Array(Q.nodes).fill(-1);
  for (let g = 0; g < F.length; g++) {
    const { tree, w0, w1, b, c } = F[g];
    forEachLeafNode(tree, (f) => {
      acc2.fill(0);
      let m = 0;
      const gathered: number[] = [];
      let top = 0;
      if (Q.nodes > 0) stack[top++] = 0;
      while (top > 0) {
        const q = stack[--top];
        const side = pairSide(Q.box, q, tree.box, f, c);
        if (side === SKIP) continue;
        if (side === SUM) {
          mergeMoments(acc2, 0, qMoments, EXAMPLE_STRIDE * q, 2);
        } else if (Q.left[q] >= 0) {
          stack[top++] = Q.right[q];
          stack[top++] = Q.left[q];
        } else {
          rowOf[q] = m;
          gathered.push(q);
          for (let k = Q.lo[q]; k < Q.hi[q]; k++, m++) {
            gh0[m] = qh0[k];
            gh1[m] = qh1[k];
          }
        }
      }
      // Features two at a time (lanes 0 and 1), as the kernel's SIMD lanes take them.
      for (let i = tree.lo[f]; i < tree.hi[f]; i += 2) {
        const width = Math.min(2, tree.hi[f] - i);
        for (let lane = 0; lane < width; lane++) setTargets(tree.item[i + lane], lane, 1);
        for (let lane = 0; lane < width; lane++) {
          const p = i + lane, j = tree.item[p];
          let s = 0, s0 = 0, s1 = 0;
          for (let row = 0; row < m; row++) {
            const h0 = gh0[row], h1 = gh1[row];
            const x = xPair[2 * row + lane];
            const z = b[p] + w0[p] * h0 + w1[p] * h1;
            const d = z - x;
            s += z > 0 ? d : 0;
            s0 += z > 0 ? d * h0 : 0;
            s1 += z > 0 ? d * h1 : 0;
          }
          if (acc2[0] !== 0) {
            momentSum(0, false, acc2, w0[p], w1[p], b[p]);
            s += part[0];
            s0 += part[1];
            s1 += part[2];
          }
          for (let e = colStart[j]; e < colStart[j + 1]; e++) {
            const r = colEntry[e];
            if (handled[r] === 1) continue;
            const t = colRow[e];
            const h0 = H0[t], h1 = H1[t];
            const z = B[j] + W0[j] * h0 + W1[j] * h1;
            if (!(z > 0)) continue;
            const d = z - value[r];
            s += d - z;
            s0 += d * h0 - z * h0;
            s1 += d * h1 - z * h1;
          }
          out.Sb[j] = s;
          out.Sw0[j] = s0;
          out.Sw1[j] = s1;
        }
        for (let lane = 0; lane < width; lane++) setTargets(tree.item[i + lane], lane, 0);
      }
      for (const q of gathered) rowOf[q] = -1;
    });
  }

  /** Feature j's targets among the gathered rows into lane `lane` of xPair (and marked handled), or cleared (set = 0). */
  function setTargets(j: number, lane: number, set: number): void {
    for (let e = colStart[j]; e < colStart[j + 1]; e++) {
      const t = colRow[e], q = leafOfQ[t];
      if (rowOf[q] < 0) continue;
      const row = rowOf[q] + Q.positionOf[t] - Q.lo[q];
      xPair[2 * row + lane] = set === 1 ? value[colEntry[e]] : 0;
      if (set === 1) handled[colEntry[e]] = 1;
    }
  }
}

/** Calls visit(leaf, position) for every position of every leaf. */
function forEachLeaf(tree: KdTree, visit: (leaf: number, k: number) => void): void {
  forEachLeafNode(tree, (leaf) => {
    for (let k = tree.lo[leaf]; k < tree.hi[leaf]; k++) visit(leaf, k);
  });
}

/** Calls visit(leaf) for every leaf, in preorder (node order). */
function forEachLeafNode(tree: KdTree, visit: (leaf: number) => void): void {
  for (let node = 0; node < tree.nodes; node++) if (tree.left[node] < 0) visit(node);
}
