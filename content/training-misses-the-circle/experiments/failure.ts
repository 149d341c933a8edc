/**
 * Section 10, "Optimization failure, measured": seed sweeps of identity(n), m = 2, with a
 * trainable bias, classified by pipeline/analysis/outcomes.ts.
 *
 * Why these settings (checked on a few seeds before the sweep was fixed):
 * - AdamW at a constant learning rate of 10⁻³ with weight decay 10⁻²: the optimizer,
 *   peak rate and decay of Anthropic's memorization runs (section 1), which is the kind
 *   of training the literature's failure claims are about.
 * - Constant rate, no schedule: a run of s steps is then exactly the first s steps of a
 *   longer one, so the parameter snapshots ARE the outcomes of shorter runs and one sweep
 *   gives "outcome vs training length" without retraining. A decaying schedule would
 *   make each length a different run.
 * - 50,000 steps, the paper's run length. On n = 7, seeds checked at 10⁻³ were mostly in
 *   transient states (a dead feature, a stalled uneven arrangement) at 10,000 steps and
 *   all at zero loss from about 20,000 on, so the end state is converged for the final
 *   classification while the snapshots catch the failures on the way.
 * - 100 seeds per point (the seed sets both data order, which is fixed for identity data,
 *   and the Xavier init), 21 snapshots (every 2,500 steps) for n = 7 and 11 elsewhere;
 *   only the final loss is kept (`lossPoints: 0`), so an entry is a few KB.
 * - n = 7 against the learning rate: six rates from 10⁻⁴ to 3·10⁻², same length.
 * - lr-chaos: one seed, a 40 × 40 grid of learning rate (log-spaced, 3·10⁻⁴ to 3·10⁻³,
 *   where the n = 7 outcomes were mixed) × a starting bias on feature 1 only (0 to
 *   0.0098 in steps of 2.5·10⁻⁴, the other biases start at 0). 20,000 steps: the sweep
 *   showed the outcome at 20,000 already being the final kind for most seeds, and 1,600
 *   runs at 50,000 steps would cost too much on two cores.
 */
import type { Experiment } from '../../../pipeline/experiments/types.ts';

export const FAILURE_N = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
export const FAILURE_SEEDS = Array.from({ length: 100 }, (_, k) => k);
export const FAILURE_STEPS = 50_000;
export const FAILURE_LR = 1e-3;
export const FAILURE_WEIGHT_DECAY = 1e-2;
/** Snapshots for n = 7 (outcome vs training length, bias traces) and for the other n. */
export const FAILURE_SNAPSHOTS_N7 = 21;
export const FAILURE_SNAPSHOTS = 11;

/** Learning rates of the n = 7 sweep (FAILURE_LR included: those runs are the baseline's). */
export const FAILURE_LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2];

export const CHAOS_SIZE = 40;
export const CHAOS_SEED = 0;
export const CHAOS_STEPS = 20_000;
export const CHAOS_N = 7;
/** Learning rate of grid column i: log-spaced from 3·10⁻⁴ to 3·10⁻³. */
export const chaosLr = (i: number): number => 3e-4 * 10 ** (i / (CHAOS_SIZE - 1));
/** Starting bias of feature 1 in grid row j. */
export const CHAOS_BIAS_STEP = 2.5e-4;
export const chaosBias = (j: number): number => j * CHAOS_BIAS_STEP;

export const failureId = (n: number, seed: number) => `fail-n${n}-seed${seed}`;
/** n = 7 at learning rate lr; the baseline rate maps to the baseline runs. */
export const failureLrId = (lr: number, seed: number) => (lr === FAILURE_LR ? failureId(7, seed) : `fail-n7-lr${lr.toExponential(0).replace('-', 'm').replace('+', '')}-seed${seed}`);
export const chaosId = (i: number, j: number) => `chaos-lr${i}-bias${j}`;

function failureRun(id: string, n: number, seed: number, lr: number): Experiment {
  return {
    id,
    data: { family: 'identity', n },
    m: 2,
    bias: true,
    steps: FAILURE_STEPS,
    schedule: { kind: 'constant', lr },
    weightDecay: FAILURE_WEIGHT_DECAY,
    seed,
    engine: 'fused',
    snapshots: n === 7 ? FAILURE_SNAPSHOTS_N7 : FAILURE_SNAPSHOTS,
    lossPoints: 0,
  };
}

function chaosRun(i: number, j: number): Experiment {
  const initBias = Array.from({ length: CHAOS_N }, (_, k) => (k === 0 ? chaosBias(j) : 0));
  return {
    id: chaosId(i, j),
    data: { family: 'identity', n: CHAOS_N },
    m: 2,
    bias: true,
    steps: CHAOS_STEPS,
    schedule: { kind: 'constant', lr: chaosLr(i) },
    weightDecay: FAILURE_WEIGHT_DECAY,
    seed: CHAOS_SEED,
    engine: 'fused',
    snapshots: 0,
    lossPoints: 0,
    initBias,
  };
}

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

export const failureSweepIds = (n: number) => FAILURE_SEEDS.map((seed) => failureId(n, seed));
export const failureLrSweepIds = (lr: number) => FAILURE_SEEDS.map((seed) => failureLrId(lr, seed));
export const chaosIds = range(CHAOS_SIZE).flatMap((i) => range(CHAOS_SIZE).map((j) => chaosId(i, j)));

export const failureExperiments: Experiment[] = [
  ...FAILURE_N.flatMap((n) => FAILURE_SEEDS.map((seed) => failureRun(failureId(n, seed), n, seed, FAILURE_LR))),
  ...FAILURE_LRS.filter((lr) => lr !== FAILURE_LR).flatMap((lr) => FAILURE_SEEDS.map((seed) => failureRun(failureLrId(lr, seed), 7, seed, lr))),
  ...range(CHAOS_SIZE).flatMap((i) => range(CHAOS_SIZE).map((j) => chaosRun(i, j))),
];
