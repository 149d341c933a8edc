/** The main experiment again from four more seeds: what the explorable figure `seeds` slides over. */
import type { Experiment } from '../../../pipeline/experiments/types.ts';
import { MAIN_RUN } from './main.ts';

export const SEEDS = [1, 2, 3, 4];

export const seedExperiments: Experiment[] = SEEDS.map((seed) => ({ ...MAIN_RUN, id: `n4-m2-seed${seed}`, seed }));
