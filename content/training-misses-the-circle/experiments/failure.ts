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
 *   all at zero loss from about 20,000 on. Zero loss is not the end, though: the n = 7
 *   sweeps below show several radii still merging into one circle long after 50,000
 *   steps, so these runs are read as what training has reached at 50,000 steps.
 * - 100 seeds per point (the seed sets both data order, which is fixed for identity data,
 *   and the Xavier init), 21 snapshots (every 2,500 steps) for n = 7 and 11 elsewhere;
 *   only the final loss is kept (`lossPoints: 0`), so an entry is a few KB.
 * - n = 7 against the learning rate, weight decay and schedule, and the lr-chaos grid:
 *   the sweeps below (LR_SWEEP, WD_SWEEP, COSINE_SWEEP, CHAOS), defined after the first
 *   sweep showed that 50,000 steps leave many n = 7 runs in transient states.
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

export const failureId = (n: number, seed: number) => `fail-n${n}-seed${seed}`;

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

export const failureSweepIds = (n: number) => FAILURE_SEEDS.map((seed) => failureId(n, seed));

/*
 * n = 7 until the outcome stops changing (issue 11). What pilot runs (20–40 seeds per
 * setting, before these sweeps were fixed) showed, and how it sets the lengths:
 * - Weight decay moves an exact solution along the family of exact solutions towards the
 *   smallest one, the even heptagon, on its own time scale of about 1/(lr · wd) steps:
 *   two radii merged within one to two such "decay times" (lr 10⁻², wd 10⁻²: all 40
 *   seeds on two radii at 10,000 steps, all even at 20,000; lr 10⁻⁴: still two radii for
 *   some seeds at 10⁶ steps, one decay time). So the low rates train for several decay
 *   times: 2·10⁶ steps at 10⁻⁴ (two), 10⁶ at 3·10⁻⁴ (three), 3·10⁵ at 10⁻³ (three).
 * - From 3·10⁻³ on, 10⁵ steps are three or more decay times; the failure states seen
 *   there (a small feature at 3·10⁻³) did not change between 5·10⁴ and 6·10⁵ steps.
 * - At 0.1 the small-feature state is left at random times: 15 of 40 seeds in it at
 *   5·10⁴ steps, 12 at 10⁵, 4 at 3·10⁵, 3 at 5·10⁵. It trains 3·10⁵ steps; the snapshots
 *   show how many are still leaving.
 * - 0.2 and 0.3 switch features off within a few thousand steps, permanently.
 * - 41 snapshots per run (every 2.5 %): with a constant rate each one is the end state of
 *   a shorter run, so outcome vs training length comes without retraining.
 * Weight decay (0, 10⁻³, 10⁻¹ next to the baseline 10⁻²) and the warmup + cosine schedule
 * are varied at 10⁻³ (the baseline rate) and 0.1 (where the literature's trap appears),
 * 3·10⁵ steps each, the length of the constant-rate, wd 10⁻² runs at those rates. The
 * cosine runs warm up over the first 5 % (the memorization runs' 2,500 of 50,000) and
 * decay to 0, so they end frozen wherever they are.
 * One hundred seeds per setting (0–99), the same seeds everywhere.
 */
export const SWEEP_N = 7;
export const SWEEP_SNAPSHOTS = 41;
export const SWEEP_WEIGHT_DECAY = 1e-2;

/** The n = 7 learning-rate sweep at weight decay 10⁻²: rate and training length. */
export const LR_SWEEP: readonly { lr: number; steps: number }[] = [
  { lr: 1e-4, steps: 2_000_000 },
  { lr: 3e-4, steps: 1_000_000 },
  { lr: 1e-3, steps: 300_000 },
  { lr: 3e-3, steps: 100_000 },
  { lr: 1e-2, steps: 100_000 },
  { lr: 3e-2, steps: 100_000 },
  { lr: 1e-1, steps: 300_000 },
  { lr: 2e-1, steps: 100_000 },
  { lr: 3e-1, steps: 100_000 },
];
export const SWEEP_LRS = LR_SWEEP.map((s) => s.lr);

/** Weight decays varied next to the baseline, at these rates (steps as in LR_SWEEP). */
export const WD_SWEEP_DECAYS = [0, 1e-3, 1e-1];
export const FACTOR_LRS = [1e-3, 1e-1];
export const COSINE_WARMUP_FRACTION = 0.05;

export type ScheduleKind = 'constant' | 'warmup-cosine';

/** One setting of the n = 7 sweeps. */
export interface SweepSetting {
  lr: number;
  weightDecay: number;
  schedule: ScheduleKind;
  steps: number;
}

/** "1e-4", "3e-1", "0": how rates and decays appear in ids. */
export const tag = (x: number): string => (x === 0 ? '0' : x.toExponential(0).replace('+', ''));

export function sweepId(s: SweepSetting, seed: number): string {
  const schedule = s.schedule === 'constant' ? '' : '-cosine';
  return `n7-lr${tag(s.lr)}-wd${tag(s.weightDecay)}${schedule}-seed${seed}`;
}

const stepsAt = (lr: number): number => {
  const found = LR_SWEEP.find((s) => s.lr === lr);
  if (!found) throw new Error(`no LR_SWEEP length for lr ${lr}`);
  return found.steps;
};

export const LR_SETTINGS: SweepSetting[] = LR_SWEEP.map(({ lr, steps }) => ({ lr, steps, weightDecay: SWEEP_WEIGHT_DECAY, schedule: 'constant' }));
export const WD_SETTINGS: SweepSetting[] = FACTOR_LRS.flatMap((lr) => WD_SWEEP_DECAYS.map((weightDecay): SweepSetting => ({ lr, weightDecay, steps: stepsAt(lr), schedule: 'constant' })));
export const COSINE_SETTINGS: SweepSetting[] = FACTOR_LRS.map((lr): SweepSetting => ({ lr, weightDecay: SWEEP_WEIGHT_DECAY, steps: stepsAt(lr), schedule: 'warmup-cosine' }));

function sweepRun(s: SweepSetting, seed: number): Experiment {
  return {
    id: sweepId(s, seed),
    data: { family: 'identity', n: SWEEP_N },
    m: 2,
    bias: true,
    steps: s.steps,
    schedule: s.schedule === 'constant' ? { kind: 'constant', lr: s.lr } : { kind: 'warmup-cosine', peakLr: s.lr, warmupSteps: Math.round(COSINE_WARMUP_FRACTION * s.steps) },
    weightDecay: s.weightDecay,
    seed,
    engine: 'fused',
    snapshots: SWEEP_SNAPSHOTS,
    lossPoints: 0,
  };
}

export const settingIds = (s: SweepSetting): string[] => FAILURE_SEEDS.map((seed) => sweepId(s, seed));

/*
 * lr-chaos: how the end state depends on the learning rate and on the starting point.
 * 40 learning rates, log-spaced over two decades, 5·10⁻³ to 0.5 (from where 60,000 steps
 * are three decay times to well past the rate where features switch off), × 42 starting
 * points: three initialisation seeds, each with 14 starting biases of feature 1 (0 to
 * 0.00975 in steps of 7.5·10⁻⁴; the other biases start at 0). 60,000 steps and 5
 * snapshots (every 15,000): a cell whose outcome changed over the last quarter of its run
 * is reported as unsettled. 1,680 runs; the length is what fits next to the sweeps above
 * in about an hour of one core.
 */
export const CHAOS_LRS = 40;
export const CHAOS_SEEDS = [0, 1, 2];
export const CHAOS_BIASES = 14;
export const CHAOS_STEPS = 60_000;
export const CHAOS_SNAPSHOTS = 5;
export const CHAOS_LR_RANGE = [5e-3, 5e-1] as const;
/** Learning rate of grid column i: log-spaced over CHAOS_LR_RANGE. */
export const chaosLr = (i: number): number => CHAOS_LR_RANGE[0] * (CHAOS_LR_RANGE[1] / CHAOS_LR_RANGE[0]) ** (i / (CHAOS_LRS - 1));
export const CHAOS_BIAS_STEP = 7.5e-4;
/** Starting bias of feature 1 in bias row j. */
export const chaosBias = (j: number): number => j * CHAOS_BIAS_STEP;
export const chaosId = (i: number, seed: number, j: number) => `chaos-lr${i}-seed${seed}-bias${j}`;

function chaosRun(i: number, seed: number, j: number): Experiment {
  return {
    id: chaosId(i, seed, j),
    data: { family: 'identity', n: SWEEP_N },
    m: 2,
    bias: true,
    steps: CHAOS_STEPS,
    schedule: { kind: 'constant', lr: chaosLr(i) },
    weightDecay: SWEEP_WEIGHT_DECAY,
    seed,
    engine: 'fused',
    snapshots: CHAOS_SNAPSHOTS,
    lossPoints: 0,
    initBias: Array.from({ length: SWEEP_N }, (_, k) => (k === 0 ? chaosBias(j) : 0)),
  };
}

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

/** Grid cells, learning rate major, then seed, then bias. */
export const chaosCells = range(CHAOS_LRS).flatMap((i) => CHAOS_SEEDS.flatMap((seed) => range(CHAOS_BIASES).map((j) => ({ i, seed, j }))));
export const chaosIds = chaosCells.map(({ i, seed, j }) => chaosId(i, seed, j));

export const failureExperiments: Experiment[] = [
  ...FAILURE_N.flatMap((n) => FAILURE_SEEDS.map((seed) => failureRun(failureId(n, seed), n, seed, FAILURE_LR))),
  ...[...LR_SETTINGS, ...WD_SETTINGS, ...COSINE_SETTINGS].flatMap((s) => FAILURE_SEEDS.map((seed) => sweepRun(s, seed))),
  ...chaosCells.map(({ i, seed, j }) => chaosRun(i, seed, j)),
];
