/**
 * `tree`: an exact CPU engine for m = 2 whose cost per step grows like n√T + T√n instead
 * of n·T (issue 24).
 *
 * With h_t = W x_t and z_tj = w_j · h_t + b_j, an output off example t's non-zeros adds
 * ReLU(z_tj)² to the loss. So, with B_t = {j : z_tj > 0} and A_j = {t : z_tj > 0}:
 *  - example t's squared error and dL/dh_t need Σ_{j∈B_t} z², Σ_{j∈B_t} z w_j: a half-plane
 *    query over the features' points u_j = w_j / |b_j| (three trees, by the sign of b_j);
 *  - dL/db_j and the decoder part of dL/dw_j need Σ_{t∈A_j} z and Σ_{t∈A_j} z h_t: a
 *    half-plane query over the examples' points h_t;
 *  - each non-zero target x_tj then replaces its ReLU(z)² term by (ReLU(z) − x)², exactly,
 *    and the encoder gradient dL/dW[:, i] += (dL/dh_t) x_ti runs over the non-zeros as in
 *    the fused kernel.
 * halfplane.ts answers the queries with k-d trees carrying centred moments per node and
 * evaluates points near a boundary directly, so the result agrees with the dense kernel to
 * rounding (≈ 1e-13 relative; tests/unit/tree-engine.test.ts), though not bitwise: sums are
 * regrouped. treeWasm.ts runs the same queries, and builds the same trees, in WebAssembly
 * (wasm/tree.as.ts) over worker threads, bitwise equal to halfplane.ts's JavaScript, which
 * stays as the reference the tests hold it to (kernel: 'js').
 *
 * Where it runs what: m ≠ 2, problems too small for the trees to pay (T below
 * TREE_MIN_EXAMPLES or n below TREE_MIN_FEATURES), and parameters that are not all finite run
 * the fused engine's kernels (its generic kernel for m ≠ 2), and Model.backend says which
 * (recorded in meta.json). The choice depends only on n, T, m and the parameters, never on
 * timing, so a run's numbers never depend on the machine.
 *
 * Determinism: every query is computed whole by one thread in a fixed order, into its own
 * slot, and the slots are reduced in a fixed order here; the trees are a pure function of
 * the parameters. So results do not depend on the thread count and a resumed run continues
 * bitwise.
 *
 * Where the time goes (one thread, n = T = 10,000, early training as `npm run bench` times
 * it, CPU time on two shared, loaded cores): the example side's queries ≈ 70 % (each visits
 * ≈ 165 nodes of the three feature trees and evaluates ≈ 570 points in the leaves the
 * boundary line crosses), the feature side's ≈ 20 % (≈ 40 nodes, ≈ 140 points), building the
 * four trees with their moments ≈ 6 %, h and the encoder gradient the rest. Non-zero targets
 * cost little: a target inside a summed node costs its own two terms. At n = 100,000 the
 * builds grow to ≈ 20 % and h and the encoder (JavaScript, over the non-zeros) to ≈ 15 %.
 */
import type { SparseExamples } from '../data/datasets.ts';
import type { Engine, Gradients, Model } from './engine.ts';
import type { Parameters } from './init.ts';
import { createFusedModel, fusedEngine } from './fused.ts';
import { buildKdTree, collectTargets, halfPlaneSums, inTreeOrder, newTargets, nodeMoments, type KdTree } from './halfplane.ts';
import { createTreeKernel, type TreeKernel } from './treeWasm.ts';

/**
 * Below this many examples per step the fused engine is faster (n = 10,000, both on two
 * threads, npm run bench on two shared cores: trees 0.44× at T = 1,000 and 0.8× at T = 2,000
 * early in training; 0.7× against its active-output kernel on post 2's trained T = 2,000
 * run, one thread). From T = 5,000 the trees win (1.2× early in training, 1.7× on the trained
 * T = 5,000 run, 2.2× on the trained T = 10,000 run). Speed only: a run's engine choice is
 * fixed by n and T, so its numbers never depend on the machine.
 */
export const TREE_MIN_EXAMPLES = 5_000;
/**
 * Below this many features the dense kernel is cheap whatever T is (T = 10,000 early in
 * training: trees 0.7× at n = 1,000, 0.8× at n = 3,000, 2× at n = 10,000).
 */
export const TREE_MIN_FEATURES = 5_000;

/** Whether the tree path computes a problem of this size (else the fused engine does). */
export function usesTree(n: number, T: number, m: number): boolean {
  return m === 2 && T >= TREE_MIN_EXAMPLES && n >= TREE_MIN_FEATURES;
}

export const TREE_BACKEND = 'wasm-kdtree-float64';
/** The JavaScript reference (tests). */
export const TREE_JS_BACKEND = 'js-kdtree-float64';

/** Column form of the examples: per feature, the examples where it is non-zero, in order. */
function columns(examples: SparseExamples): { colStart: Int32Array; colRow: Int32Array; colValue: Float64Array } {
  const { n, T, rowStart, index, value } = examples;
  const colStart = new Int32Array(n + 1);
  for (let k = 0; k < rowStart[T]; k++) colStart[index[k] + 1]++;
  for (let j = 0; j < n; j++) colStart[j + 1] += colStart[j];
  const fill = colStart.slice(0, n);
  const colRow = new Int32Array(rowStart[T]);
  const colValue = new Float64Array(rowStart[T]);
  for (let t = 0; t < T; t++) {
    for (let k = rowStart[t]; k < rowStart[t + 1]; k++) {
      const at = fill[index[k]]++;
      colRow[at] = t;
      colValue[at] = value[k];
    }
  }
  return { colStart, colRow, colValue };
}

/** The longest row or column: the most targets one query can have. */
function mostTargets(examples: SparseExamples, colStart: Int32Array): number {
  let most = 1;
  for (let t = 0; t < examples.T; t++) most = Math.max(most, examples.rowStart[t + 1] - examples.rowStart[t]);
  for (let j = 0; j < examples.n; j++) most = Math.max(most, colStart[j + 1] - colStart[j]);
  return most;
}

/** A tree of halfplane.ts with its points' values in tree order and its moments. */
interface TreeData {
  tree: KdTree;
  values: Float64Array[];
  moments: Float64Array;
}

/** The sign of b each feature tree holds (b > 0, b < 0, b = 0): the query's constant in key space. */
const GROUP_SIGNS = [1, -1, 0];

export interface TreeModelOptions {
  /** 'wasm' (default): the queries in WebAssembly over `threads` threads; 'js': halfplane.ts's reference. */
  kernel?: 'wasm' | 'js';
  threads?: number;
}

/** The half-plane model for m = 2 (no fallback): exported for the tests. */
export function createTreeModel(examples: SparseExamples, options: TreeModelOptions = {}): Model {
  const { n } = examples;
  const useWasm = (options.kernel ?? 'wasm') === 'wasm';
  const threads = useWasm ? Math.max(1, options.threads ?? 1) : 1;
  let kernel: TreeKernel | null = null;
  let T = 0;
  const W0 = new Float64Array(n);
  const W1 = new Float64Array(n);
  const B = new Float64Array(n);
  const U0 = new Float64Array(n);
  const U1 = new Float64Array(n);
  let H0 = new Float64Array(0);
  let H1 = new Float64Array(0);
  let G0 = new Float64Array(0);
  let G1 = new Float64Array(0);
  let SE = new Float64Array(0);
  let exampleIds = new Int32Array(0);
  let cols = columns(examples);
  let targets = newTargets(1);
  const sums = new Float64Array(3);

  function useExamples(next: SparseExamples): void {
    if (next.n !== n) throw new Error(`tree model: setExamples needs examples of dimension n = ${n}, got ${next.n}`);
    examples = next;
    cols = columns(next);
    targets = newTargets(mostTargets(next, cols.colStart));
    if (kernel !== null && !kernel.load(next, cols, targets.position.length)) {
      kernel.dispose();
      kernel = null;
    }
    if (next.T !== T) {
      T = next.T;
      H0 = new Float64Array(T);
      H1 = new Float64Array(T);
      G0 = new Float64Array(T);
      G1 = new Float64Array(T);
      SE = new Float64Array(T);
      exampleIds = Int32Array.from({ length: T }, (_, t) => t);
    }
  }
  useExamples(examples);

  const groupIds = [new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  /**
   * The features of the three trees, one per sign of b_j (b > 0, b < 0, b = 0), in order, and
   * their keys w_j / |b_j| (w_j where b_j = 0) in U0, U1.
   */
  function featureGroups(): Int32Array[] {
    const counts = [0, 0, 0];
    for (let j = 0; j < n; j++) {
      const b = B[j];
      const group = b > 0 ? 0 : b < 0 ? 1 : 2;
      groupIds[group][counts[group]++] = j;
      const scale = group === 2 ? 1 : Math.abs(b);
      U0[j] = W0[j] / scale;
      U1[j] = W1[j] / scale;
    }
    return groupIds.map((ids, g) => ids.subarray(0, counts[g]));
  }

  /** halfplane.ts's trees over the features (the reference; the kernel builds its own). */
  function featureTrees(groups: Int32Array[]): TreeData[] {
    return groups.map((ids) => {
      const tree = buildKdTree(ids, U0, U1, n);
      const values = [inTreeOrder(tree, W0), inTreeOrder(tree, W1), inTreeOrder(tree, B)];
      return { tree, values, moments: nodeMoments(tree, values) };
    });
  }

  function run(params: Parameters, grads: Gradients | null): number {
    const { rowStart, index, value } = examples;
    for (let j = 0; j < n; j++) {
      W0[j] = params.W[j];
      W1[j] = params.W[n + j];
      B[j] = params.b[j];
    }
    const groups = featureGroups();
    if (useWasm) kernel ??= createTreeKernel(examples, cols, targets.position.length, threads);
    // Example side: squared error and dL/dh (before the factor 2/T) per example (the kernel
    // also computes h and keeps h and dL/dh for the feature side).
    if (kernel !== null) {
      kernel.exampleQueries(groups, U0, U1, W0, W1, B, SE);
    } else {
      // Encoder: h = W x over the non-zeros, summed in the fused kernel's order.
      for (let t = 0; t < T; t++) {
        let h0 = 0, h1 = 0;
        for (let k = rowStart[t]; k < rowStart[t + 1]; k++) {
          h0 += W0[index[k]] * value[k];
          h1 += W1[index[k]] * value[k];
        }
        H0[t] = h0;
        H1[t] = h1;
      }
      const trees = featureTrees(groups);
      for (let t = 0; t < T; t++) {
        sums.fill(0);
        for (let g = 0; g < 3; g++) {
          const { tree, values, moments } = trees[g];
          collectTargets(tree, index, value, rowStart[t], rowStart[t + 1], targets);
          halfPlaneSums(tree, moments, values, H0[t], H1[t], GROUP_SIGNS[g], targets, sums);
        }
        SE[t] = sums[0];
        G0[t] = sums[1];
        G1[t] = sums[2];
      }
    }
    let total = 0;
    for (let t = 0; t < T; t++) total += SE[t];
    if (grads !== null) {
      const scale = 2 / T;
      // Feature side: dL/db_j and dL/dw_j (the kernel adds the encoder part per feature, in
      // example order, which is the order of the loop below).
      if (kernel !== null) {
        kernel.featureQueries(grads.b, grads.W.subarray(0, n), grads.W.subarray(n, 2 * n));
      } else {
        const tree = buildKdTree(exampleIds, H0, H1, T);
        const values = [inTreeOrder(tree, H0), inTreeOrder(tree, H1)];
        const moments = nodeMoments(tree, values);
        const { colStart, colRow, colValue } = cols;
        for (let j = 0; j < n; j++) {
          collectTargets(tree, colRow, colValue, colStart[j], colStart[j + 1], targets);
          sums.fill(0);
          halfPlaneSums(tree, moments, values, W0[j], W1[j], B[j], targets, sums);
          grads.b[j] = scale * sums[0];
          grads.W[j] = scale * sums[1];
          grads.W[n + j] = scale * sums[2];
        }
        // Encoder: dL/dW[:, i] += (dL/dh_t) x_ti, examples in order.
        for (let t = 0; t < T; t++) {
          const g0 = scale * G0[t], g1 = scale * G1[t];
          for (let k = rowStart[t]; k < rowStart[t + 1]; k++) {
            grads.W[index[k]] += g0 * value[k];
            grads.W[n + index[k]] += g1 * value[k];
          }
        }
      }
    }
    return total / T;
  }

  return {
    backend: useWasm ? TREE_BACKEND : TREE_JS_BACKEND,
    threads,
    lossAndGradient: (params, grads) => run(params, grads),
    loss: (params) => run(params, null),
    setExamples: useExamples,
    dispose() {
      kernel?.dispose();
      kernel = null;
    },
  };
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

export interface TreeOptions {
  /** Threads for the fused kernel where it runs instead (its results do not depend on them). */
  threads?: number;
  /** Use the trees at any size (tests); by default small problems run the fused kernel. */
  alwaysTree?: boolean;
}

/**
 * The engine's model: the tree path where it pays (usesTree), else the fused kernel; where
 * the parameters are not all finite, the fused kernel too, so NaN and ∞ propagate exactly as
 * there (the loop then stops with its divergence error).
 */
export function createTreeEngineModel(examples: SparseExamples, m: number, options: TreeOptions = {}): Model {
  const threads = Math.max(1, options.threads ?? 1);
  const fused = () => createFusedModel(examples, m, { threads });
  const wantsTree = (T: number) => options.alwaysTree === true ? m === 2 : usesTree(examples.n, T, m);
  if (!wantsTree(examples.T) || m !== 2) {
    const model = fused();
    return Object.assign(model, { backend: `fused:${model.backend}` });
  }
  const tree = createTreeModel(examples, { threads });
  let dense: Model | null = null;
  const denseModel = () => (dense ??= fused());
  const pick = (params: Parameters): Model => (allFinite(params.W) && allFinite(params.b) ? tree : denseModel());
  return {
    backend: TREE_BACKEND,
    threads,
    lossAndGradient: (params, grads) => pick(params).lossAndGradient(params, grads),
    loss: (params) => pick(params).loss(params),
    setExamples(next) {
      if (next.T !== examples.T && wantsTree(next.T) !== wantsTree(examples.T)) {
        throw new Error(`tree model: setExamples from T = ${examples.T} to T = ${next.T} would change the kernel; create a new model`);
      }
      examples = next;
      tree.setExamples!(next);
      if (dense !== null) dense.setExamples!(next);
    },
    dispose() {
      tree.dispose();
      dense?.dispose();
    },
  };
}

export const treeEngine: Engine = {
  id: 'tree',
  sourceEntry: 'pipeline/train/tree.ts',
  // The fused kernel, where it runs instead, uses the fused engine's thread setting.
  get threads() {
    return fusedEngine.threads;
  },
  backend: async () => TREE_BACKEND,
  createModel: async (examples, m) => {
    const threads = Math.max(1, Math.min(fusedEngine.threads, Math.floor((examples.n * examples.T) / 100_000)));
    return createTreeEngineModel(examples, m, { threads });
  },
};
