/**
 * Section 9 measured, shared by its figures and the T-gon claims: the tgon sweep's runs
 * (experiments/tgons.ts) with each run's outcome class and its comparison with the
 * exact construction, and the rule that picks the run a figure shows for a T.
 */
import { classifyIdentityRun, type Classification } from '../../../pipeline/analysis/outcomes.ts';
import { compareRegularity } from '../../../pipeline/analysis/geometry.ts';
import { agreesWithConstruction, compareWithConstruction, type ConstructionComparison } from '../../../pipeline/analysis/tgon.ts';
import { TGON_SEEDS, TGON_T, tgonId } from '../experiments/tgons.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';

export { TGON_SEEDS, TGON_T, tgonId };

/** Every run of the sweep, T-major then seed. */
export const TGON_IDS = TGON_T.flatMap((T) => TGON_SEEDS.map((seed) => tgonId(T, seed)));

export interface TgonRun {
  run: LoadedRun;
  T: number;
  seed: number;
  classification: Classification;
  comparison: ConstructionComparison;
  /** Classified even and within the tolerance of the construction. */
  agrees: boolean;
}

export function tgonRun(run: LoadedRun): TgonRun {
  const config = run.meta.config;
  if (config.data.family !== 'identity' || config.m !== 2 || !config.bias) {
    throw new Error(`${run.experiment.id}: the T-gon figures need identity data, m = 2 and a bias`);
  }
  const T = config.data.n;
  const classification = classifyIdentityRun(run.W, run.b, T, run.meta.finalLoss);
  const comparison = compareWithConstruction(run.W, run.b, T);
  return {
    run,
    T,
    seed: config.seed,
    classification,
    comparison,
    agrees: classification.outcome === 'even' && agreesWithConstruction(comparison),
  };
}

/** The sweep's runs grouped by T (in TGON_T order), seeds ascending. */
export function tgonRunsByT(runs: RunSet): Map<number, TgonRun[]> {
  const byT = new Map<number, TgonRun[]>();
  for (const T of TGON_T) {
    const list = TGON_SEEDS.map((seed) => {
      const run = runs.get(tgonId(T, seed));
      if (!run) throw new Error(`missing run ${tgonId(T, seed)}`);
      return tgonRun(run);
    });
    byT.set(T, list);
  }
  return byT;
}

/**
 * The run shown for one T: the lowest seed the classifier calls even; when no seed is
 * even, the run whose feature vectors are most regular (compareRegularity: fewest dead
 * features, then smallest irregularity), which figures then mark as not even.
 */
export function shownRun(list: readonly TgonRun[]): TgonRun {
  const even = list.find((r) => r.classification.outcome === 'even');
  if (even) return even;
  const sorted = [...list].sort((a, b) => compareRegularity(a.classification.regularity, b.classification.regularity) || a.seed - b.seed);
  if (!sorted[0]) throw new Error('shownRun: no runs');
  return sorted[0];
}

/** The selection rule in words, for captions. */
export const SHOWN_RUN_RULE =
  'for each $T$ the lowest seed whose run is classified even, or, when none of the seeds is, the run with the most regular feature vectors (marked)';
