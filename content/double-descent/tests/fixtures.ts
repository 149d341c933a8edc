/** Runs built by hand for the post's tests: sweep experiments with chosen parameters and losses, no training. */
import { createHash } from 'node:crypto';
import type { Experiment } from '../../../pipeline/experiments/types.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { trainingExamples } from '../../../pipeline/data/datasets.ts';
import { initialParameters } from '../../../pipeline/train/init.ts';
import { fakeRun } from '../../../tests/fixtures/fake-run.ts';
import { regularPolygon, type Vec2 } from '../../../pipeline/analysis/geometry.ts';

/** A finished run of `experiment` with parameters W, b and the given losses. */
export function sweepRun(experiment: Experiment, W: Float32Array, b: Float32Array, losses: { train: number; test: number }): LoadedRun {
  const run = fakeRun(experiment, W, b, losses.train);
  // Measures are cached by hash (runs are content-addressed), so the hash covers what differs here.
  const hash = createHash('sha256').update(run.hash).update(JSON.stringify(losses)).update(Buffer.from(W.buffer)).update(Buffer.from(b.buffer)).digest('hex');
  return { ...run, hash, meta: { ...run.meta, hash, testLoss: losses.test } };
}

/** A run at its initial parameters (Xavier W, zero bias), with the given losses. */
export function initRun(experiment: Experiment, losses: { train: number; test: number }): LoadedRun {
  const { W, b } = initialParameters(experiment);
  return sweepRun(experiment, W, b, losses);
}

/**
 * The smallest W (2 × n) that sends training example t to `targets[t]` exactly:
 * W = H G⁻¹ Xᵀ with G = XᵀX the examples' Gram matrix (T × T, invertible for T distinct
 * sparse examples in 10,000 dimensions), so W x_u = Σ_t A_t (x_t · x_u) = (G A)_u = h_u.
 */
export function weightsPlacing(experiment: Experiment, targets: readonly Vec2[]): Float32Array {
  const { n, T, rowStart, index, value } = trainingExamples(experiment);
  if (targets.length !== T) throw new Error(`weightsPlacing: ${targets.length} targets for T = ${T}`);
  const dense = (t: number) => {
    const x = new Map<number, number>();
    for (let k = rowStart[t]; k < rowStart[t + 1]; k++) x.set(index[k], value[k]);
    return x;
  };
  const rows = Array.from({ length: T }, (_, t) => dense(t));
  const dot = (a: Map<number, number>, b: Map<number, number>) => [...a].reduce((s, [i, v]) => s + v * (b.get(i) ?? 0), 0);
  // Solve G A = H (T × 2) by Gauss-Jordan elimination with partial pivoting.
  const M = rows.map((a, t) => [...rows.map((b) => dot(a, b)), targets[t][0], targets[t][1]]);
  for (let c = 0; c < T; c++) {
    const pivot = M.slice(c).reduce((best, row, k) => (Math.abs(row[c]) > Math.abs(M[best][c]) ? c + k : best), c);
    [M[c], M[pivot]] = [M[pivot], M[c]];
    if (Math.abs(M[c][c]) < 1e-12) throw new Error('weightsPlacing: the examples are linearly dependent');
    for (let r = 0; r < T; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k < T + 2; k++) M[r][k] -= f * M[c][k];
    }
  }
  const A = M.map((row, t) => [row[T] / row[t], row[T + 1] / row[t]]);
  const W = new Float32Array(2 * n);
  const W64 = new Float64Array(2 * n);
  rows.forEach((x, t) => x.forEach((v, i) => {
    W64[i] += v * A[t][0];
    W64[n + i] += v * A[t][1];
  }));
  W.set(W64);
  return W;
}

/** A memorizing run: its training examples' hidden vectors on a regular T-gon of radius r. */
export function tgonRun(experiment: Experiment, r = 2, losses = { train: 0, test: 1 }): LoadedRun {
  const T = experiment.data.family === 'sparse' ? experiment.data.T : NaN;
  return sweepRun(experiment, weightsPlacing(experiment, regularPolygon(T, r, 0.3)), new Float32Array(experiment.data.n), losses);
}
