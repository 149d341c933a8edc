// The post's measures on constructed states: dimensionality (2/T for a regular T-gon),
// the classification of memorization runs, the loss curve and its peak, and each claim's
// verdict on runs built to pass or fail it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHash } from '../../../pipeline/stages/runs.ts';
import { REPO_ROOT } from '../../../pipeline/store/provenance.ts';
import { loadRun } from '../../../pipeline/store/runStore.ts';
import { regularPolygon, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { hiddenVectors, testExamples, trainingExamples, type SparseExamples } from '../../../pipeline/data/datasets.ts';
import { dimensionalities, featureRows, weightedMeanDimensionality } from '../measurements/dimensionality.ts';
import { classifyHiddenVectors } from '../measurements/outcomes.ts';
import { byT, measureRun, spread } from '../measurements/runs.ts';
import { lossCurve, testLossPeak } from '../measurements/losses.ts';
import { outcomeRows } from '../measurements/failure-rate.ts';
import { PAPER_TEST_LOSS } from '../measurements/paper.ts';
import { COMPUTED, COMPUTED_IDS, FULL_SWEEP, coverageOf, idsOf } from '../measurements/computed.ts';
import { experimentGroups } from '../experiments/index.ts';
import { FAILURE_T, SWEEP_T, sweepExperiments, sweepId, type SweepT } from '../experiments/sweep.ts';
import { paperConventionExperiments, paperConventionId } from '../experiments/paper-convention.ts';
import { sweepClaims } from '../claims/index.ts';
import { subsample } from '../figures/regime-panels.ts';
import { initRun, sweepRun, tgonRun, weightsPlacing } from './fixtures.ts';
import { costliestT, sweepCost } from '../measurements/cost.ts';
import { exampleLosses, lossSources, lossSourcesByT, USE_GROUPS } from '../measurements/loss-sources.ts';
import { exampleErrors, summarise } from '../measurements/test-loss.ts';
import { initialParameters } from '../../../pipeline/train/init.ts';
import { ringShare } from '../measurements/ring.ts';

const experiment = (id: string) => {
  const found = [...sweepExperiments, ...paperConventionExperiments].find((e) => e.id === id);
  if (!found) throw new Error(`no experiment ${id}`);
  return found;
};
const flat = (vectors: readonly Vec2[]) => Float64Array.from(vectors.flatMap((v) => [v[0], v[1]]));

/** The O(k² m) definition, for checking the Gram-matrix shortcut. */
function dimensionalitiesByDefinition(vectors: readonly number[][]): number[] {
  return vectors.map((v) => {
    const length = Math.hypot(...v);
    if (length === 0) return 0;
    const denominator = vectors.reduce((sum, w) => sum + (v.reduce((s, x, a) => s + x * w[a], 0) / length) ** 2, 0);
    return length ** 2 / denominator;
  });
}

describe('dimensionality', () => {
  it.each([3, 4, 5, 6, 8, 10, 15, 30, 1000])('is exactly 2/T for every vertex of a regular %i-gon, at any radius and phase', (T) => {
    for (const [r, phase] of [[1, 0], [0.37, 1.1], [12, -2]]) {
      const D = dimensionalities(flat(regularPolygon(T, r, phase)), 2);
      for (const d of D) expect(d).toBeCloseTo(2 / T, 12);
      expect(weightedMeanDimensionality(flat(regularPolygon(T, r, phase)), 2)).toBeCloseTo(2 / T, 12);
    }
  });

  it('gives 1 to orthogonal vectors, 1/2 to an antipodal pair, 0 to a zero vector, and 2/k to a k-gon among zeros', () => {
    expect(Array.from(dimensionalities([2, 0, 0, 0, 3, 0, 0, 0, 0.5], 3))).toEqual([1, 1, 1]);
    expect(Array.from(dimensionalities([1, 1, -1, -1], 2)).map((d) => Number(d.toFixed(12)))).toEqual([0.5, 0.5]);
    // A longer partner takes more of the shared dimension: ‖v₁‖² / (‖v₁‖² + ‖v₂‖²).
    expect(Array.from(dimensionalities([1, 1, -2, -2], 2)).map((d) => Number(d.toFixed(12)))).toEqual([0.2, 0.8]);
    const withZeros = [...regularPolygon(7, 3), [0, 0] as Vec2, [0, 0] as Vec2];
    const D = dimensionalities(flat(withZeros), 2);
    expect(D[7]).toBe(0);
    expect(weightedMeanDimensionality(flat(withZeros), 2)).toBeCloseTo(2 / 7, 12);
    expect(weightedMeanDimensionality(new Float64Array(6), 2)).toBe(0);
    expect(() => dimensionalities([1, 2, 3], 2)).toThrow(/whole number of rows/);
  });

  it('equals the O(k²) definition on arbitrary vectors, in two and three dimensions', () => {
    for (const m of [2, 3]) {
      const vectors = Array.from({ length: 25 }, (_, i) => Array.from({ length: m }, (_, a) => Math.sin(1.7 * i + 2.3 * a) * (1 + (i % 4))));
      const fast = Array.from(dimensionalities(vectors.flat(), m));
      const slow = dimensionalitiesByDefinition(vectors);
      fast.forEach((d, i) => expect(d).toBeCloseTo(slow[i], 12));
    }
  });

  it('reads feature vectors as the columns of W', () => {
    // W is 2 × 3 row-major: feature i = (W[i], W[3 + i]).
    expect(Array.from(featureRows([1, 2, 3, 4, 5, 6], 2))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('classifying a memorization run by its hidden vectors', () => {
  it('calls a regular polygon even, whatever its size and phase', () => {
    for (const T of [3, 5, 8, 30]) expect(classifyHiddenVectors(regularPolygon(T, 1.7, 0.4)).outcome).toBe('even');
  });

  it('calls alternating radii "several radii" and lists the radii', () => {
    const hidden = regularPolygon(8, 1).map((v, t): Vec2 => (t % 2 === 0 ? v : [1.5 * v[0], 1.5 * v[1]]));
    const c = classifyHiddenVectors(hidden);
    expect(c.outcome).toBe('several-radii');
    expect(c.radii.map((r) => Number(r.toFixed(9)))).toEqual([1, 1.5]);
  });

  it('calls an example whose hidden vector is under a tenth of the longest unrepresented, before anything else', () => {
    const hidden = regularPolygon(6, 2);
    hidden[4] = [0.15, 0.05];
    const c = classifyHiddenVectors(hidden);
    expect(c.outcome).toBe('unrepresented');
    expect(c.unrepresented).toEqual([4]);
  });

  it('calls one circle with a missing slot "other"', () => {
    // Six points on one circle, two of them sharing a direction: one gap of two spacings.
    const hidden = regularPolygon(6, 1);
    hidden[1] = hidden[2];
    expect(classifyHiddenVectors(hidden).outcome).toBe('other');
  });
});

describe('measuring a run', () => {
  it('finds example dimensionality 2/T, an even polygon and the norms of a run built to memorize T examples on a T-gon', () => {
    for (const T of [5, 8]) {
      const run = tgonRun(experiment(sweepId(T, 1)), 2);
      const m = measureRun(run);
      expect(m.T).toBe(T);
      expect(m.dataSeed).toBe(1);
      expect(m.exampleDimensionality).toBeCloseTo(2 / T, 5);
      expect(m.classification?.outcome).toBe('even');
      expect(m.meanHiddenNorm).toBeCloseTo(2, 5);
      expect(m.normB).toBe(0);
      // ‖W‖_F² = Σ_t ‖x_t‖² ‖target_t‖² = 4T for unit-length examples with disjoint supports.
      expect(m.normW).toBeCloseTo(Math.sqrt(4 * T), 4);
      // The hidden vectors really are the polygon's corners.
      const h = hiddenVectors(run.W, 2, trainingExamples(run.meta.config));
      expect(Math.hypot(h[0], h[1])).toBeCloseTo(2, 5);
    }
  });

  it('measures a stream run on the test examples and does not classify it', () => {
    const m = measureRun(initRun(experiment(sweepId('inf', 0)), { train: 0.99, test: 0.998 }));
    expect(m.T).toBe('inf');
    expect(m.classification).toBeNull();
    expect(m.testLoss).toBe(0.998);
    expect(m.exampleDimensionality).toBeGreaterThan(0);
  });
});

describe('the loss curve', () => {
  const run = (T: number | 'inf', seed: number, test: number, train = 0.5) => measureRun(initRun(experiment(sweepId(T, seed)), { train, test }));

  it('summarises each T over its seeds, finite T ascending, ∞ apart, and finds the peak', () => {
    const measures = [run(30, 0, 1.01), run(5, 0, 1.0), run(5, 1, 1.04), run(2000, 0, 1.015), run(100, 0, 1.003), run('inf', 0, 0.9988), run(10000, 0, 0.9988)];
    const curve = lossCurve(measures);
    expect(curve.finite.map((p) => p.T)).toEqual([5, 30, 100, 2000, 10000]);
    expect(curve.finite[0].test.mean).toBeCloseTo(1.02, 12);
    expect(curve.finite[0].test).toMatchObject({ min: 1.0, max: 1.04, count: 2 });
    expect(curve.infinity?.test.mean).toBe(0.9988);
    expect(testLossPeak(curve)?.T).toBe(5);
    expect(testLossPeak(curve, 100)?.T).toBe(2000);
    expect(testLossPeak(lossCurve([run(5, 0, 1)]), 100)).toBeNull();
    expect(byT(measures, (g) => g.length).map((g) => g.T)).toEqual([5, 30, 100, 2000, 10000, 'inf']);
    expect(() => spread([])).toThrow();
  });
});

describe('the computed list', () => {
  it('names only runs of the sweep, and the sweep has every T with 4 data seeds, 20 for T ≤ 30, and ∞', () => {
    const ids = new Set(sweepExperiments.map((e) => e.id));
    for (const id of COMPUTED_IDS) expect(ids.has(id)).toBe(true);
    expect(idsOf(FULL_SWEEP).sort()).toEqual([...ids].sort());
    expect(sweepExperiments).toHaveLength(SWEEP_T.filter((T) => T <= 30).length * 20 + SWEEP_T.filter((T) => T > 30).length * 4 + 4);
    expect(coverageOf(FULL_SWEEP).complete).toBe(true);
    expect(coverageOf(COMPUTED).runs).toBe(COMPUTED_IDS.length);
    expect(experimentGroups[0].experiments).toEqual(sweepExperiments);
  });

  it('covers every run of the sweep, since the published prose reads the sweep as complete', () => {
    expect(coverageOf(COMPUTED)).toEqual({ runs: idsOf(FULL_SWEEP).length, of: idsOf(FULL_SWEEP).length, complete: true });
  });

  it('keeps data seed 0 identical to the first post\'s memorization runs (no dataSeed override, init seed 0)', () => {
    const e = experiment(sweepId(8, 0));
    expect('dataSeed' in e).toBe(false);
    expect(e.seed).toBe(0);
    expect(experiment(sweepId(8, 3)).dataSeed).toBe(3);
    expect(experiment(sweepId(8, 3)).seed).toBe(0);
  });

  it('orders the sweep cheapest first, so a budgeted training session fills it from small T up', () => {
    const cost = (e: (typeof sweepExperiments)[number]) => (e.data.family === 'sparse' ? e.data.T : e.data.family === 'sparse-stream' ? e.data.batch : 0);
    const costs = sweepExperiments.map(cost);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
  });
});

describe('regime panels subsample', () => {
  it('keeps every example up to the limit and every k-th from the first beyond it', () => {
    expect(subsample(30)).toEqual({ indices: Array.from({ length: 30 }, (_, t) => t), every: 1 });
    const big = subsample(10_000);
    expect(big.every).toBe(25);
    expect(big.indices).toHaveLength(400);
    expect(big.indices.slice(0, 3)).toEqual([0, 25, 50]);
  });
});

describe('claims on constructed runs', () => {
  // Each test names the runs it evaluates, so the tests do not move as COMPUTED grows.
  const claimOver = (id: string, ids: readonly string[]) => sweepClaims(ids).find((c) => c.id === id)!;
  const idsAt = (Ts: readonly SweepT[], seeds: readonly number[]) => idsOf(Ts.map((T) => ({ T, dataSeeds: seeds })));
  const memorizingIds = (seeds: readonly number[]) => idsAt(FAILURE_T, seeds);
  /** T-gon memorizers (training loss 0) for T ≤ 30, initial parameters (training loss 0.5) beyond and for ∞; test loss per T. */
  function runsFor(ids: readonly string[], testLoss: (T: SweepT) => number, build: 'tgon' | 'init' = 'tgon'): RunSet {
    return new Map(
      ids.map((id): [string, LoadedRun] => {
        const e = experiment(id);
        const T: SweepT = e.data.family === 'sparse' ? e.data.T : 'inf';
        const memorizer = build === 'tgon' && T !== 'inf' && T <= 30;
        const losses = { train: memorizer ? 0 : 0.5, test: testLoss(T) };
        return [id, memorizer ? tgonRun(e, 2, losses) : initRun(e, losses)];
      }),
    );
  }
  const paperLoss = (T: SweepT) => PAPER_TEST_LOSS.find((p) => p.T === T)?.loss ?? 1.01;
  const paperTs = PAPER_TEST_LOSS.map((p) => p.T).filter((T) => (SWEEP_T as readonly number[]).includes(T));

  it('paper agreement holds on runs at the paper\u2019s values and fails 0.02 off', () => {
    const ids = idsAt(paperTs, [0, 1]);
    const c = claimOver('dd-paper-agreement', ids);
    expect(c.evaluate(runsFor(ids, paperLoss)).holds).toBe(true);
    const off = c.evaluate(runsFor(ids, (T) => paperLoss(T) + (T === 8 ? 0.02 : 0)));
    expect(off.holds).toBe(false);
    expect(off.measured).toMatch(/outside at T = 8/);
  });

  it('the 2/T claim holds for T-gon memorizers and fails for runs that memorize with a different share', () => {
    const ids = memorizingIds([0, 1]);
    const c = claimOver('dd-memorizing-dimensionality', ids);
    expect(c.evaluate(runsFor(ids, () => 1)).holds).toBe(true);
    // Initial parameters with training loss 0 claimed: "memorized", but no polygon.
    const random = new Map([...runsFor(ids, () => 1, 'init')].map(([id, run]) => [id, { ...run, meta: { ...run.meta, finalLoss: 0 } }]));
    expect(c.evaluate(random).holds).toBe(false);
  });

  it('the failure claim needs an interval below 1/2, which one seed cannot give', () => {
    const ids = memorizingIds([0]);
    const c = claimOver('dd-paper-setting-fails', ids);
    const result = c.evaluate(runsFor(ids, () => 1));
    expect(result.holds).toBe(false);
    expect(result.measured).toMatch(/no T decided below 1\/2 yet/);
    // Four uneven seeds at one T decide it: each example placed on one of two radii.
    const twoRadii = (T: number): Vec2[] => regularPolygon(T, 1, 0.3).map((v, t) => (t % 2 === 0 ? v : ([1.5 * v[0], 1.5 * v[1]] as Vec2)));
    const measures = [0, 1, 2, 3].map((seed) => {
      const e = experiment(sweepId(8, seed));
      return measureRun(sweepRun(e, weightsPlacing(e, twoRadii(8)), new Float32Array(e.data.n), { train: 0, test: 1 }));
    });
    expect(measures.every((m) => m.classification?.outcome === 'several-radii')).toBe(true);
    const rows = outcomeRows(measures);
    expect(rows[0].fractions['several-radii'].successes).toBe(4);
    expect(rows[0].fractions.even.high).toBeLessThan(0.5);
    expect(rows[0].unevenSeeds).toEqual([0, 1, 2, 3]);
  });

  it('the peak claim: missing without T ≥ 100, holds for a peak at the paper\u2019s T that ends below 1, fails for a falling curve', () => {
    const small = memorizingIds([0]);
    const missing = claimOver('dd-test-loss-peak', small).evaluate(runsFor(small, () => 1));
    expect(missing.holds).toBe(false);
    expect(missing.measured).toMatch(/not computed yet: no run with T ≥ 100/);

    const all = idsAt(SWEEP_T, [0]);
    const c = claimOver('dd-test-loss-peak', all);
    const paperShape = (T: SweepT) => (T === 'inf' ? 0.9988 : T <= 30 ? 1 : T === 2_000 ? 1.015 : T >= 10_000 ? 0.9988 : 1.003);
    const held = c.evaluate(runsFor(all, paperShape));
    expect(held.holds, held.measured).toBe(true);
    expect(held.measured).toMatch(/^peak at T = 2,000/);
    const falling = c.evaluate(runsFor(all, (T) => (T === 'inf' ? 0.99 : 1.05 - T / 1e6)));
    expect(falling.holds).toBe(false);
  });
});

describe('sweepCost', () => {
  const experiment = (T: number | 'inf', seed: number) => sweepExperiments.find((e) => e.id === sweepId(T, seed))!;
  const timed = (T: number | 'inf', seed: number, wallSeconds: number, backend: string, threads: number): [string, LoadedRun] => {
    const run = initRun(experiment(T, seed), { train: 0.5, test: 1 });
    return [run.experiment.id, { ...run, meta: { ...run.meta, wallSeconds, engine: { ...run.meta.engine, backend, threads } } }];
  };

  it('sums each T’s recorded wall times, finite T ascending then ∞, with the backends it ran on', () => {
    const runs: RunSet = new Map([
      timed('inf', 0, 1800, 'wasm-simd-float64', 2),
      timed(1000, 1, 300, 'wasm-simd-float64', 2),
      timed(1000, 0, 100, 'wasm-simd-float64', 2),
      timed(3, 0, 20, 'wasm-simd-float64-dense', 1),
      timed(3, 1, 40, 'wasm-simd-float64-dense', 2),
    ]);
    const cost = sweepCost(runs, [...runs.keys()]);
    expect(cost.map((c) => c.T)).toEqual([3, 1000, 'inf']);
    expect(cost[0]).toEqual({ T: 3, runs: 2, engines: ['wasm-simd-float64-dense, 1 thread', 'wasm-simd-float64-dense, 2 threads'], meanSeconds: 30, minSeconds: 20, maxSeconds: 40, totalSeconds: 60 });
    expect(cost[1].totalSeconds).toBe(400);
    expect(costliestT(cost)).toBe('∞');
  });
});

describe('lossSources', () => {
  const e500 = (seed: number) => experiment(sweepId(500, seed));
  const n = 10_000;

  /** The test loss by its definition: every output of every test example, dense. */
  function testLossByDefinition(run: LoadedRun): number {
    const test = testExamples(run.meta.config)!;
    const h = hiddenVectors(run.W, 2, test);
    const x = new Float64Array(n);
    let sum = 0;
    for (let t = 0; t < test.T; t++) {
      x.fill(0);
      for (let k = test.rowStart[t]; k < test.rowStart[t + 1]; k++) x[test.index[k]] = test.value[k];
      for (let j = 0; j < n; j++) sum += (Math.max(run.W[j] * h[2 * t] + run.W[n + j] * h[2 * t + 1] + run.b[j], 0) - x[j]) ** 2;
    }
    return sum / test.T;
  }

  /** exampleLosses one example at a time, the plain way: what its four-at-a-time loop must reproduce bit for bit. */
  function exampleLossesOneByOne(run: LoadedRun, examples: SparseExamples) {
    const h = hiddenVectors(run.W, 2, examples);
    const z = (t: number, j: number) => run.W[j] * h[2 * t] + run.W[n + j] * h[2 * t + 1] + run.b[j];
    const loss: number[] = [];
    const silentLoss: number[] = [];
    let silentCount = 0;
    for (let t = 0; t < examples.T; t++) {
      let silent = 0;
      for (let j = 0; j < n; j++) {
        if (z(t, j) > 0) {
          silent += z(t, j) * z(t, j);
          silentCount++;
        } else silent += 0;
      }
      let target = 0;
      for (let k = examples.rowStart[t]; k < examples.rowStart[t + 1]; k++) {
        const j = examples.index[k];
        if (z(t, j) > 0) {
          silent -= z(t, j) * z(t, j);
          silentCount--;
        }
        target += (Math.max(z(t, j), 0) - examples.value[k]) ** 2;
      }
      silentLoss.push(silent);
      loss.push(silent + target);
    }
    return { loss, silentLoss, silentCount };
  }

  it('exampleLosses gives, bit for bit, the losses of one example at a time, for a number of examples that is not a multiple of four', () => {
    const run = initRun(e500(1), { train: 1, test: 1 });
    const b = Float32Array.from({ length: n }, (_, j) => ((j * 7919) % 200) / 100 - 1.2);
    const state = sweepRun(run.experiment, run.W, b, { train: 1, test: 1 });
    const test = testExamples(state.meta.config)!;
    const T = 11;
    const examples: SparseExamples = { ...test, T, rowStart: test.rowStart.subarray(0, T + 1) };
    const fast = exampleLosses(state, examples);
    const plain = exampleLossesOneByOne(state, examples);
    expect(fast.silentCount).toBe(plain.silentCount);
    expect(plain.silentCount).toBeGreaterThan(100);
    expect(Array.from(fast.loss)).toEqual(plain.loss);
    expect(Array.from(fast.silentLoss)).toEqual(plain.silentLoss);
  });

  it('with W = 0 and every bias 1/2, counts every output but the targets as silent and firing, each adding 1/4', () => {
    const run = sweepRun(e500(0), new Float32Array(2 * n), new Float32Array(n).fill(0.5), { train: 1, test: 1 });
    const test = testExamples(run.meta.config)!;
    const targets = test.index.length;
    const targetLoss = Array.from(test.value).reduce((sum, x) => sum + (0.5 - x) ** 2, 0);
    const s = lossSources(run);
    expect(s.silentFiringPerExample).toBe((n * test.T - targets) / test.T);
    expect(s.silentFiringLoss).toBeCloseTo(((n * test.T - targets) * 0.25) / test.T, 9);
    expect(s.testLoss).toBeCloseTo(s.silentFiringLoss + targetLoss / test.T, 9);
    expect(s.featureUse!.every((g) => g.meanNorm === 0 && g.meanBias === 0.5)).toBe(true);
  });

  it('sums to the test loss by definition on a trained-looking state, and groups features by how many training examples use them', () => {
    const run = initRun(e500(1), { train: 1, test: 1 });
    // Biases spread around zero, so that some outputs fire and some do not.
    const b = Float32Array.from({ length: n }, (_, j) => ((j * 7919) % 200) / 100 - 1.2);
    const state = sweepRun(run.experiment, run.W, b, { train: 1, test: 1 });
    const s = lossSources(state);
    expect(s.silentFiringPerExample).toBeGreaterThan(100);
    expect(s.testLoss).toBeCloseTo(testLossByDefinition(state), 9);
    const train = trainingExamples(state.meta.config);
    const uses = new Map<number, number>();
    for (const j of train.index) uses.set(j, (uses.get(j) ?? 0) + 1);
    const inGroup = (g: number) => Array.from({ length: n }, (_, j) => j).filter((j) => Math.min(uses.get(j) ?? 0, USE_GROUPS - 1) === g);
    for (const group of s.featureUse!) {
      const members = inGroup(group.uses);
      expect(group.features).toBe(members.length);
      expect(group.meanNorm).toBeCloseTo(members.reduce((sum, j) => sum + Math.hypot(state.W[j], state.W[n + j]), 0) / members.length, 9);
    }
    expect(s.featureUse!.reduce((sum, g) => sum + g.features, 0)).toBe(n);
  });

  it('recomputes the test loss the training loop recorded for a committed run', () => {
    const e = e500(0);
    const run = loadRun(path.join(REPO_ROOT, 'runs'), e, runHash(e));
    const s = lossSources(run);
    expect(Math.abs(s.testLoss - run.meta.testLoss!) / run.meta.testLoss!).toBeLessThan(1e-9);
    expect(s.silentFiringLoss).toBeGreaterThan(0);
  });

  it('the silent-outputs claim holds when they carry the peak\u2019s loss and rarely used features are longer, and fails otherwise', () => {
    const ids = [0, 1].map((seed) => sweepId(500, seed));
    const claim = sweepClaims(ids).find((c) => c.id === 'dd-silent-outputs')!;
    /** Every feature along +x (so every h points along +x and W_j · h ≥ 0), the once-used ones `once` long, the rest `often`. */
    const along = (seed: number, once: number, often: number, bias: number): LoadedRun => {
      const e = e500(seed);
      const uses = new Int32Array(n);
      for (const j of trainingExamples(e).index) uses[j]++;
      const W = new Float32Array(2 * n);
      for (let j = 0; j < n; j++) W[j] = uses[j] === 1 ? once : uses[j] >= 3 ? often : 0.7;
      return sweepRun(e, W, new Float32Array(n).fill(bias), { train: 1, test: 20 });
    };
    const runsOf = (make: (seed: number) => LoadedRun): RunSet => new Map([0, 1].map((seed) => [sweepId(500, seed), make(seed)]));
    const held = claim.evaluate(runsOf((seed) => along(seed, 2, 0.5, 1)));
    expect(held.holds, held.measured).toBe(true);
    expect(held.measured).toMatch(/^at T = 500 /);
    // The same silent outputs, but the often-used features longer: the second half fails.
    expect(claim.evaluate(runsOf((seed) => along(seed, 0.5, 2, 1))).holds).toBe(false);
    // Nothing fires where its target is 0 (every bias far below any W_j · h): the first half fails.
    expect(claim.evaluate(runsOf((seed) => along(seed, 2, 0.5, -100))).holds).toBe(false);
  });

  it('the paper-convention mechanism claim compares the conventions seed by seed, and says when nothing is computed under both', () => {
    const sumIds = [0, 1].map((seed) => sweepId(500, seed));
    const meanIds = [0, 1].map((seed) => paperConventionId(500, seed));
    const claim = (s: readonly string[], m: readonly string[]) => sweepClaims(s, m).find((c) => c.id === 'dd-paper-convention-mechanism')!;
    /** Every feature along +x; the once-used ones `once` long, the rest 0.5; bias as given. */
    const along = (id: string, once: number, bias: number): LoadedRun => {
      const e = experiment(id);
      const uses = new Int32Array(n);
      for (const j of trainingExamples(e).index) uses[j]++;
      const W = new Float32Array(2 * n);
      for (let j = 0; j < n; j++) W[j] = uses[j] === 1 ? once : 0.5;
      return sweepRun(e, W, new Float32Array(n).fill(bias), { train: 1, test: 20 });
    };
    const runs = (meanOnce: number, meanBias: number): RunSet =>
      new Map([...sumIds.map((id) => [id, along(id, 2, 1)] as const), ...meanIds.map((id) => [id, along(id, meanOnce, meanBias)] as const)]);
    // Short once-used features and nothing firing where it should not: holds.
    const held = claim(sumIds, meanIds).evaluate(runs(0.25, -100));
    expect(held.holds, held.measured).toBe(true);
    expect(held.measured).toMatch(/^T = 500: silent share 0\.0 %, 0\.0 %; ‖W_j‖ used once 0\.25, 0\.25 \(sum convention ≥ 2\.00\)$/);
    // Once-used features as long as under the sum convention: fails.
    expect(claim(sumIds, meanIds).evaluate(runs(2, -100)).holds).toBe(false);
    // Silent outputs firing and carrying the loss: fails.
    expect(claim(sumIds, meanIds).evaluate(runs(0.25, 1)).holds).toBe(false);
    // No T under both conventions: not decided, and says so.
    expect(claim(sumIds, []).evaluate(runs(0.25, -100))).toEqual({ measured: expect.stringMatching(/^no T of 500, 1,000, 2,000, 5,000 computed under both/), holds: false });
  });

  it('by T: from the given T on, ∞ last with no feature groups, means over seeds', () => {
    const runs: RunSet = new Map(
      [sweepId(100, 0), sweepId(500, 0), sweepId(500, 1), sweepId('inf', 0)].map((id) => [id, initRun(experiment(id), { train: 1, test: 1 })]),
    );
    const rows = lossSourcesByT(runs, [...runs.keys()], 200);
    expect(rows.map((r) => [r.T, r.runs])).toEqual([[500, 2], ['inf', 1]]);
    expect(rows[1].meanNormByUse).toBeNull();
    expect(rows[1].featuresUsed).toBeNull();
    expect(rows[0].featuresUsed!.count).toBe(2);
  });
});

describe('ringShare', () => {
  it('is 1 for a regular polygon at its radius, and counts only the vectors within 10 % of the median length', () => {
    expect(ringShare(regularPolygon(7, 2.5, 0.4))).toEqual({ share: 1, radius: expect.closeTo(2.5, 12) });
    // Six on a circle of radius 2, three at 1.81 (inside the 10 % band), three at 1 (outside).
    const vectors: Vec2[] = [...regularPolygon(6, 2), ...regularPolygon(3, 1.81), ...regularPolygon(3, 1)];
    const ring = ringShare(vectors);
    expect(ring.radius).toBeCloseTo(2, 12);
    expect(ring.share).toBe(9 / 12);
    expect(() => ringShare([])).toThrow(/no vectors/);
  });
});

describe('test-loss estimates', () => {
  it('read the same per-example losses from the WebAssembly kernel as from the plain loop of loss-sources', () => {
    const e = sweepExperiments.find((x) => x.id === 'dd-T100-data1')!;
    const { W, b } = initialParameters(e);
    // A bias that lets some outputs fire and leaves most silent, as in a trained run.
    const run = initRun(e, { train: 0, test: 0 });
    b.fill(-0.01);
    const shifted = { ...run, b, W };
    const examples = testExamples(e)!;
    const kernel = exampleErrors(shifted, examples);
    const plain = exampleLosses(shifted, examples).loss;
    expect(kernel).toHaveLength(plain.length);
    for (let t = 0; t < plain.length; t++) expect(Math.abs(kernel[t] - plain[t])).toBeLessThanOrEqual(1e-12 * Math.max(1, plain[t]));
  });

  it('summarise: mean, standard error, median and the top 1 % share of per-example losses', () => {
    const losses = Float64Array.from({ length: 1000 }, (_, k) => (k < 10 ? 91 : 1));
    const s = summarise([losses.subarray(0, 500), losses.subarray(500)]);
    expect(s.examples).toBe(1000);
    expect(s.mean).toBeCloseTo(1.9, 12);
    expect(s.median).toBe(1);
    expect(s.topPercentShare).toBeCloseTo(910 / 1900, 12);
    // sample sd of ten 91s and 990 1s: sqrt(Σ(x − 1.9)² / 999)
    const sd = Math.sqrt((10 * 89.1 ** 2 + 990 * 0.9 ** 2) / 999);
    expect(s.standardError).toBeCloseTo(sd / Math.sqrt(1000), 12);
    expect(s.precise).toBe(false);
  });
});
