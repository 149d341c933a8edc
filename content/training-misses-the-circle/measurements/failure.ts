/**
 * Section 10 measured: the outcome of a run (final, or at each snapshot), outcome
 * fractions with Wilson intervals, the selection rules for the runs the figures draw and
 * the claims test, and the lr-chaos grid's neighbour statistics. Figures and claims both
 * read these, so a figure and its ledger row cannot disagree about a run's outcome.
 */
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { classifyIdentityRun, OUTCOMES, type Classification, type Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { featureVectors, identityLoss, norm } from '../../../pipeline/analysis/geometry.ts';
import { wilson, type Proportion } from '../../../pipeline/analysis/stats.ts';
import { formatRatio } from '../../../pipeline/post/format.ts';

const nOf = (run: LoadedRun): number => run.meta.config.data.n;

/** Final outcome of an identity(n), m = 2, with-bias run. */
export function finalClassification(run: LoadedRun): Classification {
  return classifyIdentityRun(run.W, run.b, nOf(run), run.meta.finalLoss);
}

/** Outcome at every stored snapshot (the loss is recomputed exactly from the snapshot's W and b). */
export interface SnapshotClassification extends Classification {
  step: number;
  W: Float32Array;
  b: Float32Array;
}

export function snapshotClassifications(run: LoadedRun): SnapshotClassification[] {
  const n = nOf(run);
  return Array.from(run.snapshotSteps, (step, k) => {
    const W = run.snapshotsW[k];
    const b = run.snapshotsB[k];
    return { ...classifyIdentityRun(W, b, n, identityLoss(W, b, 2, n)), step, W, b };
  });
}

/** Fraction of `classes` with each outcome, with 95 % Wilson intervals. */
export function outcomeFractions(classes: readonly Outcome[]): Record<Outcome, Proportion> {
  const result = {} as Record<Outcome, Proportion>;
  for (const outcome of OUTCOMES) result[outcome] = wilson(classes.filter((c) => c === outcome).length, classes.length);
  return result;
}

/** "0.42 (0.33–0.52)": a fraction with its 95 % interval. */
export function formatProportion(p: Proportion): string {
  return `${formatRatio(p.fraction)} (95 % CI ${formatRatio(p.low)}–${formatRatio(p.high)})`;
}

/** A percentage with no decimals: 0.123 → "12 %". */
export function formatPercent(x: number): string {
  return `${Math.round(100 * x)} %`;
}

/**
 * Selection rule shared by `symmetric-failure` and `asymmetric-recovery`: among the given
 * runs, those in the symmetric failure at one or more snapshots, ordered by the number of
 * such snapshots (most first), ties to the lower seed.
 */
export function runsBySymmetricFailureTime(runs: readonly LoadedRun[]): { run: LoadedRun; snapshots: SnapshotClassification[]; failed: number }[] {
  return runs
    .map((run) => {
      const snapshots = snapshotClassifications(run);
      return { run, snapshots, failed: snapshots.filter((s) => s.outcome === 'symmetric-failure').length };
    })
    .filter((r) => r.failed > 0)
    .sort((a, b) => b.failed - a.failed || a.run.meta.config.seed - b.run.meta.config.seed);
}

/** True when the run passed through the symmetric failure and ends with every feature live at zero loss. */
export function escapes(final: Outcome): boolean {
  return final === 'even' || final === 'several-radii';
}

/** The features that end dead or on the smallest radius level, as a set: a finer label than the outcome class. */
export function configuration(W: ArrayLike<number>, n: number, c: Classification): string {
  const norms = featureVectors(W, 2, n).map(norm);
  const smallest = c.radiusLevels[0] ?? 0;
  const inner = norms.map((r, i) => i).filter((i) => !c.deadFeatures.includes(i) && c.radiusLevels.length > 1 && norms[i] <= smallest * 1.1);
  return `${c.outcome}|dead ${c.deadFeatures.join(',')}|inner ${inner.join(',')}`;
}

/** Counts of neighbouring grid cells (along the learning-rate axis and along the bias axis) whose labels differ. */
export function neighbourChanges(labels: readonly (readonly string[])[]): { lrPairs: number; lrChanges: number; biasPairs: number; biasChanges: number } {
  let lrPairs = 0;
  let lrChanges = 0;
  let biasPairs = 0;
  let biasChanges = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < labels[i].length; j++) {
      if (i + 1 < labels.length) {
        lrPairs++;
        if (labels[i + 1][j] !== labels[i][j]) lrChanges++;
      }
      if (j + 1 < labels[i].length) {
        biasPairs++;
        if (labels[i][j + 1] !== labels[i][j]) biasChanges++;
      }
    }
  }
  return { lrPairs, lrChanges, biasPairs, biasChanges };
}
