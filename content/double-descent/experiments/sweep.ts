/**
 * The double-descent sweep: the paper's headline experiment at the paper's scale.
 * sparse(10,000, 0.999), m = 2, with bias, 50,000 AdamW steps, peak learning rate 10⁻³
 * (linear warmup over 2,500 steps, cosine decay to 0), weight decay 10⁻²: exactly the
 * first post's memorization runs, whose data seed 0 runs ARE the runs here (same
 * config, same provenance hash, trained once).
 *
 * Dataset seeds vary the training set and keep the initialisation fixed (ARTICLE.md,
 * Conventions): every run has seed 0 (init), and data seed k ≥ 1 is an override; data
 * seed 0 is written without one, so it hashes like the first post's runs.
 *
 * This file defines the FULL sweep, so `npm run train -- double-descent` trains all of it
 * (resumably, cheapest first). What the post's figures read is the subset listed in
 * ../measurements/computed.ts.
 */
import type { DataSpec, Experiment } from '../../../pipeline/experiments/types.ts';

export const N = 10_000;
export const S = 0.999;
export const STEPS = 50_000;

/** Training-set sizes, as in the paper's figure. */
export const SWEEP_T = [3, 5, 6, 8, 10, 15, 30, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000] as const;
/** Dataset seeds per T for the loss curve. */
export const SWEEP_DATA_SEEDS = [0, 1, 2, 3] as const;
/** T = ∞: a fresh batch of this many examples every step. */
export const STREAM_BATCH = 1024;

/** The T ≤ 30 of the paper's memorization figure, where the failure rate is measured. */
export const FAILURE_T = SWEEP_T.filter((T) => T <= 30);
/** Dataset seeds per T ≤ 30 for the failure rate: the four above and sixteen more. */
export const FAILURE_DATA_SEEDS = Array.from({ length: 20 }, (_, k) => k);

/** A training-set size, or ∞ for the stream. */
export type SweepT = number | 'inf';

export function sweepId(T: SweepT, dataSeed: number): string {
  return `dd-T${T === 'inf' ? 'inf' : T}-data${dataSeed}`;
}

/** One run of the sweep's setting at (T, data seed); `convention` varies the loss or Adam's ε (other files). */
export function sweepRun(T: SweepT, dataSeed: number, convention: Pick<Experiment, 'lossReduction' | 'adamEps'> = {}): Experiment {
  const data: DataSpec = T === 'inf' ? { family: 'sparse-stream', n: N, S, batch: STREAM_BATCH } : { family: 'sparse', n: N, S, T };
  return {
    id: sweepId(T, dataSeed),
    data,
    m: 2,
    bias: true,
    steps: STEPS,
    schedule: { kind: 'warmup-cosine', peakLr: 1e-3, warmupSteps: 2_500 },
    weightDecay: 1e-2,
    seed: 0,
    ...(dataSeed === 0 ? {} : { dataSeed }),
    engine: 'fused',
    snapshots: 0,
    ...convention,
  };
}

/** Examples each step touches: what a run costs per step, near enough. */
export const examplesPerStep = (T: SweepT) => (T === 'inf' ? STREAM_BATCH : T);

/** Dataset seeds run at T: twenty for T ≤ 30 (the failure rate), four elsewhere. */
export function dataSeedsAt(T: SweepT): readonly number[] {
  return T !== 'inf' && T <= 30 ? FAILURE_DATA_SEEDS : SWEEP_DATA_SEEDS;
}

/** The whole sweep, cheapest runs first, so a budgeted `npm run train` fills it from the small T up. */
export const sweepExperiments: Experiment[] = [...SWEEP_T, 'inf' as const]
  .sort((a, b) => examplesPerStep(a) - examplesPerStep(b))
  .flatMap((T) => dataSeedsAt(T).map((seed) => sweepRun(T, seed)));
