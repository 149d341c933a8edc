/**
 * The sweep again under the paper's loss convention: the squared error averaged over the
 * n outputs as well as over examples (the Toy Models of Superposition code's
 * importance-weighted mean, every importance 1), which the double-descent paper's "same
 * toy models" inherit. Everything else is sweep.ts's setting, run for run: the same T,
 * the same data seeds (four each, twenty for T ≤ 30), the same init.
 */
import type { Experiment } from '../../../pipeline/experiments/types.ts';
import { dataSeedsAt, examplesPerStep, SWEEP_DATA_SEEDS, SWEEP_T, sweepRun, type SweepT } from './sweep.ts';

export function paperConventionId(T: SweepT, dataSeed: number): string {
  return `dd-mean-T${T === 'inf' ? 'inf' : T}-data${dataSeed}`;
}

const byCost = [...SWEEP_T, 'inf' as const].sort((a, b) => examplesPerStep(a) - examplesPerStep(b));
const run = (T: SweepT, seed: number): Experiment => ({ ...sweepRun(T, seed, { lossReduction: 'mean' }), id: paperConventionId(T, seed) });

/**
 * The loss curve first (the sweep's four data seeds at every T, cheapest T first), then the
 * further seeds at T ≤ 30 that the failure rate counts: a budgeted `npm run train` draws the
 * whole curve before it deepens the memorizing end.
 */
export const paperConventionExperiments: Experiment[] = [
  ...byCost.flatMap((T) => SWEEP_DATA_SEEDS.map((seed) => run(T, seed))),
  ...byCost.flatMap((T) => dataSeedsAt(T).filter((seed) => !(SWEEP_DATA_SEEDS as readonly number[]).includes(seed)).map((seed) => run(T, seed))),
];
