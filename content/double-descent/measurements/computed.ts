/**
 * Which runs of the sweep the post reads: THE list to extend as the sweep completes.
 *
 * experiments/sweep.ts defines the full sweep (every T, four data seeds each, twenty for
 * T ≤ 30, and T = ∞), and `npm run train -- double-descent` trains all of it; the big
 * runs take hours of CPU, so the build must never train them. Figures, claims and the
 * prose read only the runs named here, which must all be in the committed store (runs/).
 * To grow the post: train more of the sweep, add the (T, data seeds) here, commit runs/,
 * then `npm run pipeline` re-renders what changed. Today every run of the sweep is here;
 * a fork that extends the sweep lists its new runs here once they are committed.
 */
import { dataSeedsAt, FAILURE_DATA_SEEDS, FAILURE_T, SWEEP_DATA_SEEDS, sweepId, SWEEP_T, type SweepT } from '../experiments/sweep.ts';
import { paperConventionId } from '../experiments/paper-convention.ts';
import { epsilonId, EPSILONS, EPSILON_T } from '../experiments/epsilon.ts';

export interface ComputedT {
  T: SweepT;
  dataSeeds: readonly number[];
}

/**
 * The (T, data seeds) whose runs are committed to runs/. Runs of the sweep not listed here
 * are still to come (checkpointed mid-training where runs/checkpoints/ has them).
 */
export const COMPUTED: readonly ComputedT[] = [
  ...FAILURE_T.map((T) => ({ T, dataSeeds: FAILURE_DATA_SEEDS })),
  ...[50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000].map((T) => ({ T, dataSeeds: SWEEP_DATA_SEEDS })),
  { T: 'inf', dataSeeds: SWEEP_DATA_SEEDS },
];

/** The whole sweep in the same form: what COMPUTED grows towards. */
export const FULL_SWEEP: readonly ComputedT[] = [...SWEEP_T, 'inf' as const].map((T) => ({ T, dataSeeds: dataSeedsAt(T) }));

/** Experiment ids of a coverage list, in order (T as listed, then data seed). */
export function idsOf(coverage: readonly ComputedT[]): string[] {
  return coverage.flatMap(({ T, dataSeeds }) => dataSeeds.map((seed) => sweepId(T, seed)));
}

/** The ids the post reads. */
export const COMPUTED_IDS = idsOf(COMPUTED);

/** How much of the full sweep a list of runs covers, for captions and the prose. */
export function coverageOfIds(ids: readonly string[]): { runs: number; of: number; complete: boolean } {
  const full = new Set(idsOf(FULL_SWEEP));
  const runs = new Set(ids.filter((id) => full.has(id))).size;
  return { runs, of: full.size, complete: runs === full.size };
}

export function coverageOf(coverage: readonly ComputedT[] = COMPUTED): { runs: number; of: number; complete: boolean } {
  return coverageOfIds(idsOf(coverage));
}

/**
 * The paper-convention sweep (experiments/paper-convention.ts) in the same form: the
 * (T, data seeds) committed to runs/, which the paper-convention figure and claims read.
 * It grows as the sweep trains (`npm run train -- paper-convention`), like COMPUTED did.
 */
export const PAPER_CONVENTION_COMPUTED: readonly ComputedT[] = [
  ...[3, 5, 6, 8, 10, 15, 30].map((T) => ({ T, dataSeeds: dataSeedsAt(T) })),
  ...[50, 100, 200, 500, 'inf' as const].map((T) => ({ T, dataSeeds: SWEEP_DATA_SEEDS })),
  ...[1_000, 2_000, 5_000, 10_000].map((T) => ({ T, dataSeeds: SWEEP_DATA_SEEDS })),
];

export const PAPER_CONVENTION_IDS = PAPER_CONVENTION_COMPUTED.flatMap(({ T, dataSeeds }) => dataSeeds.map((seed) => paperConventionId(T, seed)));

/**
 * The ε series (experiments/epsilon.ts) committed to runs/: per T and ε, the data seeds
 * trained. The epsilon figure also reads ε = 1e-8 (the sweep, COMPUTED) and the paper's
 * convention at the same T (PAPER_CONVENTION_COMPUTED) from the lists above.
 */
export const EPSILON_COMPUTED: readonly { T: number; eps: number; dataSeeds: readonly number[] }[] = [
  ...EPSILONS.map((eps) => ({ T: 1_000, eps, dataSeeds: SWEEP_DATA_SEEDS })),
  ...[1e-7, 1e-6, 1e-5].map((eps) => ({ T: 2_000, eps, dataSeeds: SWEEP_DATA_SEEDS })),
  // Data seed 3 of these two is checkpointed mid-training (npm run train -- dd-eps1e-4-T2000-data3 dd-eps1e-3-T2000-data3).
  ...[1e-4, 1e-3].map((eps) => ({ T: 2_000, eps, dataSeeds: [0, 1, 2] })),
];

export const EPSILON_IDS = EPSILON_COMPUTED.flatMap(({ T, eps, dataSeeds }) => dataSeeds.map((seed) => epsilonId(eps, T, seed)));

/** The runs the epsilon figure and its claim read: ε = 1e-8 from the sweep, the ε series, and the paper's convention at the same T. */
export function epsilonFigureIds(): string[] {
  const atT = (T: number | 'inf') => T !== 'inf' && (EPSILON_T as readonly number[]).includes(T);
  return [
    ...COMPUTED.filter((c) => atT(c.T)).flatMap((c) => c.dataSeeds.map((seed) => sweepId(c.T, seed))),
    ...EPSILON_IDS,
    ...PAPER_CONVENTION_COMPUTED.filter((c) => atT(c.T)).flatMap((c) => c.dataSeeds.map((seed) => paperConventionId(c.T, seed))),
  ];
}
