/**
 * `tree`: an exact CPU engine for m = 2 whose work per step grows far slower than n·T
 * (issue 24).
 *
 * With h_t = W x_t and z_tj = w_j · h_t + b_j, an output off example t's non-zeros adds
 * ReLU(z_tj)² to the loss. So, with B_t = {j : z_tj > 0} and A_j = {t : z_tj > 0}:
 *  - example t's squared error and dL/dh_t need Σ_{j∈B_t} z², Σ_{j∈B_t} z w_j: sums over a
 *    half-plane of the features' points u_j = w_j / |b_j| (three sets, by the sign of b_j);
 *  - dL/db_j and the decoder part of dL/dw_j need Σ_{t∈A_j} z and Σ_{t∈A_j} z h_t: sums over a
 *    half-plane of the examples' points h_t;
 *  - each non-zero target x_tj then replaces its ReLU(z)² term by (ReLU(z) − x)², exactly,
 *    and the encoder gradient dL/dW[:, i] += (dL/dh_t) x_ti runs over the non-zeros as in
 *    the fused kernel.
 * dualtree.ts computes them a box at a time: k-d trees (kdtree.ts) over both point sets,
 * whole nodes added from their moments, skipped, or (near a boundary) their outputs
 * evaluated one by one with the dense kernel's expression. The result agrees with the dense
 * kernel to rounding (tests/unit/tree-engine.test.ts), though not bitwise: sums are
 * regrouped. treeWasm.ts runs the same sums in WebAssembly (wasm/tree.as.ts) over worker
 * threads, bitwise equal to dualtree.ts's JavaScript, which stays as the reference the tests
 * hold it to (kernel: 'js').
 *
 * Where it runs what: m ≠ 2, problems too small for the trees to pay (T below
 * TREE_MIN_EXAMPLES or n below TREE_MIN_FEATURES), and parameters that are not all finite run
 * the fused engine's kernels (its generic kernel for m ≠ 2), and Model.backend says which
 * (recorded in meta.json). The choice depends only on n, T, m and the parameters, never on
 * timing, so a run's numbers never depend on the machine.
 *
 * Determinism: the trees are a pure function of the parameters, every sum has a fixed order,
 * and each example's (feature's) results are computed whole by the one thread that owns its
 * leaf. So results do not depend on the thread count and a resumed run continues bitwise.
 *
 * Where the time goes (one thread, CPU time, n = T = 10,000 early in training as
 * `npm run bench` times it, ≈ 28 ms a step on two loaded cores): building the four trees
 * ≈ 5 ms; the example side ≈ 10 ms (walking the feature trees ≈ 5, the outputs evaluated one
 * by one ≈ 2.5); the feature side ≈ 10 ms (walks ≈ 3.5, outputs ≈ 4); the rest (h, copies,
 * targets) ≈ 3 ms. About 3.5 % of the n·T outputs are evaluated one by one, from ≈ 310,000
 * node tests.
 */
import type { SparseExamples } from '../data/datasets.ts';
import type { Engine, Gradients, Model } from './engine.ts';
import type { Parameters } from './init.ts';
import { createFusedModel, fusedEngine } from './fused.ts';
import { dualTreeSums, type DualTreeSums } from './dualtree.ts';
import { createTreeKernel, type TreeKernel } from './treeWasm.ts';

/**
 * Below this many examples per step the fused engine is as fast or faster (n = 10,000, one
 * thread, CPU time, bench/tree-profile.ts on two loaded cores: early in training the trees
 * gave 0.9× its speed at T = 500, 1.2× at T = 1,000 and 1.6× at T = 2,000; on post 2's
 * trained runs, against its active-output kernel, 0.6× at T = 500, 0.8× at T = 1,000 and
 * 1.2× at T = 2,000). Speed only: a run's engine choice is fixed by n and T, so its numbers
 * never depend on the machine.
 */
export const TREE_MIN_EXAMPLES = 2_000;
/**
 * Below this many features the fused kernel is about as fast whatever T is (T = 10,000 early
 * in training: trees 1.1× at n = 1,000, 1.5× at n = 2,000 and 3,000, 4.9× at n = 10,000).
 */
export const TREE_MIN_FEATURES = 2_000;

/** Whether the tree path computes a problem of this size (else the fused engine does). */
export function usesTree(n: number, T: number, m: number): boolean {
  return m === 2 && T >= TREE_MIN_EXAMPLES && n >= TREE_MIN_FEATURES;
}

export const TREE_BACKEND = 'wasm-kdtree-float64';
/** The JavaScript reference (tests). */
export const TREE_JS_BACKEND = 'js-kdtree-float64';

/**
 * Column form of the examples: per feature, the examples where it is non-zero, in order, with
 * each entry's value and its index in the row form.
 */
function columns(examples: SparseExamples): { colStart: Int32Array; colRow: Int32Array; colValue: Float64Array; colEntry: Int32Array } {
  const { n, T, rowStart, index, value } = examples;
  const colStart = new Int32Array(n + 1);
  for (let k = 0; k < rowStart[T]; k++) colStart[index[k] + 1]++;
  for (let j = 0; j < n; j++) colStart[j + 1] += colStart[j];
  const fill = colStart.slice(0, n);
  const colRow = new Int32Array(rowStart[T]);
  const colValue = new Float64Array(rowStart[T]);
  const colEntry = new Int32Array(rowStart[T]);
  for (let t = 0; t < T; t++) {
    for (let k = rowStart[t]; k < rowStart[t + 1]; k++) {
      const at = fill[index[k]]++;
      colRow[at] = t;
      colValue[at] = value[k];
      colEntry[at] = k;
    }
  }
  return { colStart, colRow, colValue, colEntry };
}

/** The sign of b each feature tree holds (b > 0, b < 0, b = 0): the constant c in key space. */
const GROUP_SIGNS = [1, -1, 0];

export interface TreeModelOptions {
  /** 'wasm' (default): the kernel over `threads` threads; 'js': dualtree.ts, the reference it is held to bitwise. */
  kernel?: 'wasm' | 'js';
  threads?: number;
}

/** The tree model for m = 2 (no fallback): exported for the tests. */
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
  let sums: DualTreeSums = newSums(0);
  let cols = columns(examples);

  function newSums(T: number): DualTreeSums {
    const perExample = () => new Float64Array(T);
    const perFeature = () => new Float64Array(n);
    return { SE: perExample(), G0: perExample(), G1: perExample(), Sb: perFeature(), Sw0: perFeature(), Sw1: perFeature() };
  }

  function useExamples(next: SparseExamples): void {
    if (next.n !== n) throw new Error(`tree model: setExamples needs examples of dimension n = ${n}, got ${next.n}`);
    examples = next;
    cols = columns(next);
    if (kernel !== null && !kernel.load(next, cols)) {
      kernel.dispose();
      kernel = null;
    }
    if (next.T !== T) {
      T = next.T;
      H0 = new Float64Array(T);
      H1 = new Float64Array(T);
      sums = newSums(T);
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

  /** Encoder: h = W x over the non-zeros, summed in the fused kernel's order. */
  function computeH(): void {
    const { rowStart, index, value } = examples;
    for (let t = 0; t < T; t++) {
      let h0 = 0, h1 = 0;
      for (let k = rowStart[t]; k < rowStart[t + 1]; k++) {
        h0 += W0[index[k]] * value[k];
        h1 += W1[index[k]] * value[k];
      }
      H0[t] = h0;
      H1[t] = h1;
    }
  }

  function run(params: Parameters, grads: Gradients | null): number {
    const { rowStart, index, value } = examples;
    for (let j = 0; j < n; j++) {
      W0[j] = params.W[j];
      W1[j] = params.W[n + j];
      B[j] = params.b[j];
    }
    const groups = featureGroups();
    if (useWasm) kernel ??= createTreeKernel(examples, cols, threads);
    const { SE } = sums;
    // Example side: squared error and dL/dh (before the factor 2/T) per example; with the
    // JavaScript reference, the feature side's sums as well.
    if (kernel !== null) {
      kernel.exampleSide(groups, U0, U1, W0, W1, B, SE);
    } else {
      computeH();
      dualTreeSums({ n, T, H0, H1, W0, W1, B, U0, U1, groups, groupSigns: GROUP_SIGNS, rowStart, index, value, ...cols }, sums);
    }
    let total = 0;
    for (let t = 0; t < T; t++) total += SE[t];
    if (grads !== null) {
      const scale = 2 / T;
      // Feature side: dL/db_j and dL/dw_j (the kernel adds the encoder part per feature, in
      // example order, which is the order of the loop below).
      if (kernel !== null) {
        kernel.featureSide(grads.b, grads.W.subarray(0, n), grads.W.subarray(n, 2 * n));
      } else {
        const { Sb, Sw0, Sw1, G0, G1 } = sums;
        for (let j = 0; j < n; j++) {
          grads.b[j] = scale * Sb[j];
          grads.W[j] = scale * Sw0[j];
          grads.W[n + j] = scale * Sw1[j];
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
