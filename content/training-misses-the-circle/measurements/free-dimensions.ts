/**
 * Sections 5, 7 and 8 measured: which runs the figures draw and the claims test (seed
 * lists, the lowest-loss run), the thresholds for "exact" and "clearly positive", and the
 * 2m bound's cells and verdict. Figures and claims both read these, so a figure and its
 * ledger row cannot disagree about which run is "the best" or where the bound holds.
 */
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { selectRuns } from '../../../pipeline/post/format.ts';
import { TWO_M_BOUND_M, twoMBoundExperiments, twoMBoundId } from '../experiments/free-dimensions.ts';

/** A run "reconstructs exactly" when its final loss is below this (the zero-output model scores 1). */
export const EXACT_LOSS = 1e-3;
/** The loss above which n = 2m + 1 counts as "clearly positive". */
export const POSITIVE_LOSS = 1e-2;

export const N3_SEEDS = [0, 1, 2, 3, 4].map((s) => `n3-seed${s}`);
export const N3_SPARSE_BIAS_SEEDS = [0, 1, 2, 3, 4].map((s) => `n3-sparse-bias-seed${s}`);
export const N4_SEEDS = [0, 1, 2, 3, 4].map((s) => `n4-seed${s}`);
export const N5_SEEDS = [0, 1, 2, 3, 4].map((s) => `n5-seed${s}`);

/** The run with the lowest final loss; ties go to the first in `runs` (the lower seed). */
export function bestRun(runs: readonly LoadedRun[]): LoadedRun {
  if (runs.length === 0) throw new Error('bestRun: no runs');
  return runs.reduce((best, run) => (run.meta.finalLoss < best.meta.finalLoss ? run : best));
}

/** The n values trained for each m (n = m … 2m + 3), read from the experiments. */
export function boundNs(m: number): number[] {
  return [...new Set(twoMBoundExperiments.filter((e) => e.m === m).map((e) => e.data.n))].sort((a, b) => a - b);
}

export function boundSeeds(): number[] {
  return [...new Set(twoMBoundExperiments.map((e) => e.seed))].sort((a, b) => a - b);
}

/** Every experiment id of the 2m-bound sweep, m-major, then n, then seed. */
export const TWO_M_BOUND_IDS = TWO_M_BOUND_M.flatMap((m) => boundNs(m).flatMap((n) => boundSeeds().map((s) => twoMBoundId(m, n, s))));

/** Per m and n: the runs of all seeds and the best of them (lowest final loss, lower seed on ties). */
export interface BoundCell {
  m: number;
  n: number;
  runs: LoadedRun[];
  best: LoadedRun;
}

export function boundCells(runs: RunSet): BoundCell[] {
  return TWO_M_BOUND_M.flatMap((m) =>
    boundNs(m).map((n) => {
      const cellRuns = selectRuns(runs, boundSeeds().map((s) => twoMBoundId(m, n, s)));
      return { m, n, runs: cellRuns, best: bestRun(cellRuns) };
    }),
  );
}

/** The bound's test for one m: best loss < EXACT_LOSS for every n ≤ 2m and > POSITIVE_LOSS at n = 2m + 1. */
export function boundVerdict(cells: readonly BoundCell[], m: number): { maxExact: number; beyond: number; holds: boolean } {
  const mine = cells.filter((c) => c.m === m);
  const exact = mine.filter((c) => c.n <= 2 * m).map((c) => c.best.meta.finalLoss);
  const next = mine.find((c) => c.n === 2 * m + 1);
  if (!next || exact.length === 0) throw new Error(`two-m-bound: no runs for m = ${m} around n = 2m`);
  const maxExact = Math.max(...exact);
  const beyond = next.best.meta.finalLoss;
  return { maxExact, beyond, holds: maxExact < EXACT_LOSS && beyond > POSITIVE_LOSS };
}
