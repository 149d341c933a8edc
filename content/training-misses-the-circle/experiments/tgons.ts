/**
 * Section 9, "The role of b": identity(T) with a trainable bias, m = 2, for T = 3 … 12,
 * twenty seeds per T. These runs test whether training finds the symmetric T-gon
 * construction (columns on one circle, b = −r² cos(2π/T)) or another zero-loss solution.
 *
 * Why these optimizer settings:
 * - Exact memorization is a whole family of solutions, r² ≥ 1/(1 − cos(2π/T)) with
 *   b = 1 − r²; the construction is its smallest member. Weight decay is what picks that
 *   member (it is the exact solution of least ‖W‖² + ‖b‖²), so it must be on: 3·10⁻²
 *   pulls an exact T-gon onto the construction within the run, while the loss it costs
 *   stays far below any failure.
 * - Peak learning rate 10⁻² with a short linear warmup and cosine decay to zero: a
 *   constant rate leaves Adam jittering around the solution (its normalized steps do
 *   not shrink with the gradient); the decay lets every run settle, so the final
 *   parameters are an end state rather than a snapshot of an oscillation.
 * - 60,000 full-batch steps: the last stretch of an exact solution onto the construction
 *   is a slow drift driven by the decay alone (the loss is already ~0). At 30,000 steps
 *   a few evenly spaced triangles (T = 3) still sat up to 6 % off the construction; at
 *   60,000 they are within about 1.5 %. Each run takes well under a second.
 * - Twenty seeds per T, because from T ≈ 8 on many seeds do not find the T-gon; which
 *   seed a figure shows is decided by a rule in measurements/tgons.ts.
 */
import type { Experiment } from '../../../pipeline/experiments/types.ts';

export const TGON_T = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
export const TGON_SEEDS = Array.from({ length: 20 }, (_, k) => k);
export const TGON_STEPS = 60_000;

export const tgonId = (T: number, seed: number) => `tgon-T${T}-seed${seed}`;

function tgonRun(T: number, seed: number): Experiment {
  return {
    id: tgonId(T, seed),
    data: { family: 'identity', n: T },
    m: 2,
    bias: true,
    steps: TGON_STEPS,
    schedule: { kind: 'warmup-cosine', peakLr: 1e-2, warmupSteps: 1_500 },
    weightDecay: 3e-2,
    seed,
    engine: 'fused',
    snapshots: 0,
    lossPoints: 0,
  };
}

export const tgonExperiments: Experiment[] = TGON_T.flatMap((T) => TGON_SEEDS.map((seed) => tgonRun(T, seed)));
