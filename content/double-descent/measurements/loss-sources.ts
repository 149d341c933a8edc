/**
 * Where a run's test loss comes from. The test loss sums, over 10,000 fresh examples and
 * all n outputs, (ReLU(z) − x)² with z = W_j · h + b_j. Split by output: the outputs whose
 * target is 0 but which fire anyway (z > 0; "silent outputs firing"), and the rest. And,
 * for a finite training set, the features by how many training examples use them (0, 1,
 * 2, 3 or more), with the mean length of their vectors W_j and their mean bias: what the
 * model did with the features its data showed rarely.
 *
 * Each run costs one pass over 10,000 × n outputs (about 10⁸ multiply-adds), so this is
 * computed for the larger T only (from TRANSITION_FROM_T), once per run (cached by hash).
 */
import { hiddenVectors, type SparseExamples } from '../../../pipeline/data/datasets.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { selectRuns } from '../../../pipeline/post/format.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { SweepT } from '../experiments/sweep.ts';
import { runT, spread, tOrder, type Spread } from './runs.ts';
import { testSet, trainingSet } from './examples.ts';

/** Features grouped by how many training examples use them: 0, 1, 2, and USE_GROUPS − 1 or more. */
export const USE_GROUPS = 4;

export interface FeatureUse {
  /** Training examples that use the feature (the last group: this many or more). */
  uses: number;
  features: number;
  /** Mean ‖W_j‖ over the group's features (0 for an empty group). */
  meanNorm: number;
  /** Mean b_j over the group's features (0 for an empty group). */
  meanBias: number;
}

export interface LossSources {
  T: SweepT;
  /** The test loss recomputed from W and b: the sum of the two parts below. */
  testLoss: number;
  /** Part of the test loss from outputs with target 0 that fire (z > 0). */
  silentFiringLoss: number;
  /** Mean number of such outputs per test example. */
  silentFiringPerExample: number;
  /** Features by use in the training set; null for a stream, which uses every feature. */
  featureUse: FeatureUse[] | null;
}

const cache = new Map<string, LossSources>();

/** Per test example: its loss (summed over outputs) and the part from silent outputs that fire. */
export interface ExampleLosses {
  loss: Float64Array;
  silentLoss: Float64Array;
  /** Silent outputs firing, summed over the examples. */
  silentCount: number;
}

/**
 * Each example's squared error summed over the n outputs, at the run's W and b (m = 2).
 * This is the sum convention's per-example loss, so it reads in units of the empty model
 * (which scores exactly 1 on every unit-norm example) whatever convention trained the run.
 */
export function exampleLosses(run: LoadedRun, examples: SparseExamples): ExampleLosses {
  const n = examples.n;
  const W0 = Float64Array.from(run.W.subarray(0, n));
  const W1 = Float64Array.from(run.W.subarray(n, 2 * n));
  const b = Float64Array.from(run.b);
  const h = hiddenVectors(run.W, 2, examples);
  const loss = new Float64Array(examples.T);
  const silentLoss = new Float64Array(examples.T);
  let silentCount = 0;
  /** Example t's few non-zero targets, corrected from the silent sum over all outputs; records its two losses. */
  const finish = (t: number, silentOverAll: number) => {
    const h0 = h[2 * t];
    const h1 = h[2 * t + 1];
    let silent = silentOverAll;
    let target = 0;
    for (let k = examples.rowStart[t]; k < examples.rowStart[t + 1]; k++) {
      const j = examples.index[k];
      const z = W0[j] * h0 + W1[j] * h1 + b[j];
      if (z > 0) {
        silent -= z * z;
        silentCount--;
      }
      target += (Math.max(z, 0) - examples.value[k]) ** 2;
    }
    silentLoss[t] = silent;
    loss[t] = silent + target;
  };
  // Every output as if its target were 0 first, four examples per pass over the outputs:
  // each example's sum is its own chain of additions in output order (the same bits as one
  // example at a time), and four independent chains keep the CPU's adders busy where one
  // waited on the previous addition. Branch-free: whether an output fires is unpredictable
  // from one output to the next, and the mispredicted branch cost three times the
  // arithmetic; where z ≤ 0 this adds +0, which leaves the sum's bits as a branch would
  // (z is finite: stored runs hold only finite numbers).
  let t = 0;
  for (; t + 4 <= examples.T; t += 4) {
    const a0 = h[2 * t], a1 = h[2 * t + 1], b0 = h[2 * t + 2], b1 = h[2 * t + 3];
    const c0 = h[2 * t + 4], c1 = h[2 * t + 5], d0 = h[2 * t + 6], d1 = h[2 * t + 7];
    let sa = 0, sb = 0, sc = 0, sd = 0;
    let firing = 0;
    for (let j = 0; j < n; j++) {
      const w0 = W0[j], w1 = W1[j], bj = b[j];
      const za = w0 * a0 + w1 * a1 + bj;
      const zb = w0 * b0 + w1 * b1 + bj;
      const zc = w0 * c0 + w1 * c1 + bj;
      const zd = w0 * d0 + w1 * d1 + bj;
      const fa = +(za > 0), fb = +(zb > 0), fc = +(zc > 0), fd = +(zd > 0);
      sa += za * za * fa;
      sb += zb * zb * fb;
      sc += zc * zc * fc;
      sd += zd * zd * fd;
      firing += fa + fb + fc + fd;
    }
    silentCount += firing;
    finish(t, sa);
    finish(t + 1, sb);
    finish(t + 2, sc);
    finish(t + 3, sd);
  }
  for (; t < examples.T; t++) {
    const h0 = h[2 * t];
    const h1 = h[2 * t + 1];
    let silent = 0;
    for (let j = 0; j < n; j++) {
      const z = W0[j] * h0 + W1[j] * h1 + b[j];
      const fires = +(z > 0);
      silent += z * z * fires;
      silentCount += fires;
    }
    finish(t, silent);
  }
  return { loss, silentLoss, silentCount };
}

const sum = (values: Float64Array) => values.reduce((s, x) => s + x, 0);

export function lossSources(run: LoadedRun): LossSources {
  const cached = cache.get(run.hash);
  if (cached) return cached;
  const config = run.meta.config;
  const test = testSet(config);
  if (config.m !== 2 || !test) throw new Error(`lossSources: run "${run.experiment.id}" is not a sparse run with m = 2`);
  const losses = exampleLosses(run, test);
  const result: LossSources = {
    T: runT(run),
    testLoss: sum(losses.loss) / test.T,
    silentFiringLoss: sum(losses.silentLoss) / test.T,
    silentFiringPerExample: losses.silentCount / test.T,
    featureUse: featureUseOf(run),
  };
  cache.set(run.hash, result);
  return result;
}

const useCache = new Map<string, FeatureUse[] | null>();

/**
 * A run's features grouped by how many training examples use them (lossSources's
 * featureUse), without the pass over the test examples: what a figure that needs only the
 * lengths reads. Null for a stream, which uses every feature.
 */
export function featureUseOf(run: LoadedRun): FeatureUse[] | null {
  const cached = useCache.get(run.hash);
  if (cached !== undefined) return cached;
  const config = run.meta.config;
  const n = config.data.n;
  const result = config.data.family === 'sparse' ? featureUse(run, Float64Array.from(run.W.subarray(0, n)), Float64Array.from(run.W.subarray(n, 2 * n)), Float64Array.from(run.b)) : null;
  useCache.set(run.hash, result);
  return result;
}

function featureUse(run: LoadedRun, W0: Float64Array, W1: Float64Array, b: Float64Array): FeatureUse[] {
  const train = trainingSet(run.meta.config);
  const uses = new Int32Array(train.n);
  for (let k = 0; k < train.index.length; k++) uses[train.index[k]]++;
  const groups = Array.from({ length: USE_GROUPS }, (_, g) => ({ uses: g, features: 0, norm: 0, bias: 0 }));
  for (let j = 0; j < train.n; j++) {
    const group = groups[Math.min(uses[j], USE_GROUPS - 1)];
    group.features++;
    group.norm += Math.hypot(W0[j], W1[j]);
    group.bias += b[j];
  }
  return groups.map((g) => ({ uses: g.uses, features: g.features, meanNorm: g.features ? g.norm / g.features : 0, meanBias: g.features ? g.bias / g.features : 0 }));
}

/** One T's loss sources, each a spread over its data seeds. */
export interface LossSourcesAtT {
  T: SweepT;
  runs: number;
  testLoss: Spread;
  silentFiringPerExample: Spread;
  /** The silent outputs' share of the test loss, per run. */
  silentFiringShare: Spread;
  /** Features that at least one training example uses; null for a stream. */
  featuresUsed: Spread | null;
  /**
   * Per use group: the mean ‖W_j‖ over the group, spread over the seeds where the group has
   * features (null where it has none); null for a stream.
   */
  meanNormByUse: (Spread | null)[] | null;
}

/** The runs among `ids` with T ≥ fromT (and ∞), grouped by T. */
export function lossSourcesByT(runs: RunSet, ids: readonly string[], fromT: number): LossSourcesAtT[] {
  const groups = new Map<SweepT, LossSources[]>();
  for (const run of selectRuns(runs, ids)) {
    const T = runT(run);
    if (T !== 'inf' && T < fromT) continue;
    groups.set(T, [...(groups.get(T) ?? []), lossSources(run)]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => tOrder(a) - tOrder(b))
    .map(([T, list]) => ({
      T,
      runs: list.length,
      testLoss: spread(list.map((s) => s.testLoss)),
      silentFiringPerExample: spread(list.map((s) => s.silentFiringPerExample)),
      silentFiringShare: spread(list.map((s) => s.silentFiringLoss / s.testLoss)),
      featuresUsed: list[0].featureUse ? spread(list.map((s) => s.featureUse!.reduce((sum, g) => sum + (g.uses > 0 ? g.features : 0), 0))) : null,
      meanNormByUse: list[0].featureUse ? Array.from({ length: USE_GROUPS }, (_, g) => meanNormSpread(list, g)) : null,
    }));
}

function meanNormSpread(list: readonly LossSources[], group: number): Spread | null {
  const norms = list.flatMap((s) => (s.featureUse![group].features > 0 ? [s.featureUse![group].meanNorm] : []));
  return norms.length > 0 ? spread(norms) : null;
}
