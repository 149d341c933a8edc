/**
 * The sweep again under the paper's loss convention: the squared error averaged over the
 * n outputs as well as over examples (the Toy Models of Superposition code's
 * importance-weighted mean, every importance 1), which the double-descent paper's "same
 * toy models" inherit. Everything else is sweep.ts's setting, run for run: the same T,
 * the same data seeds (four each, twenty for T ≤ 30), the same init.
 */
import type { Experiment } from '../../../pipeline/experiments/types.ts';
import { dataSeedsAt, examplesPerStep, SWEEP_T, sweepRun, type SweepT } from './sweep.ts';

export function paperConventionId(T: SweepT, dataSeed: number): string {
  return `dd-mean-T${T === 'inf' ? 'inf' : T}-data${dataSeed}`;
}

/** Cheapest first, so a budgeted `npm run train` fills it from the small T up. */
export const paperConventionExperiments: Experiment[] = [...SWEEP_T, 'inf' as const]
  .sort((a, b) => examplesPerStep(a) - examplesPerStep(b))
  .flatMap((T) => dataSeedsAt(T).map((seed) => ({ ...sweepRun(T, seed, { lossReduction: 'mean' }), id: paperConventionId(T, seed) })));
