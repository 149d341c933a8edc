/**
 * What the section-10 figures share: outcome of a run (final, or at each snapshot),
 * outcome fractions with Wilson intervals, the outcome colours and legend marks, the
 * selection rules for the runs the figures draw, and a compact provenance line for
 * sweeps of hundreds of runs.
 */
import { createHash } from 'node:crypto';
import * as Plot from '@observablehq/plot';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { classifyIdentityRun, OUTCOMES, type Classification, type Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { identityLoss } from '../../../pipeline/analysis/geometry.ts';
import { wilson, type Proportion } from '../../../pipeline/analysis/stats.ts';
import { formatInteger, formatLossRange, formatRatio } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { swatchLegend } from '../../../pipeline/render/legend.ts';

export { swatchLegend, type LegendItem } from '../../../pipeline/render/legend.ts';

/** One colour per outcome; blue/orange/red/grey stay apart under common colour-vision deficiencies. */
export const outcomeColors: Record<Outcome, string> = {
  even: colors.feature,
  'symmetric-failure': colors.accent,
  'several-radii': '#e08214',
  other: colors.muted,
};

export const outcomeLabels: Record<Outcome, string> = {
  even: 'even n-gon',
  'symmetric-failure': 'symmetric failure',
  'several-radii': 'several radii',
  other: 'other',
};

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

/** First 8 hex digits of sha256 over the runs' hashes in the given order: names a whole sweep. */
export function combinedHash(runs: readonly LoadedRun[]): string {
  const h = createHash('sha256');
  for (const run of runs) h.update(run.hash);
  return h.digest('hex').slice(0, 8);
}

/** "n = 7 sweep: 100 runs #1a2b3c4d, seeds 0–99, 50,000 steps, final loss 1.2 × 10⁻⁹–0.110". */
export function sweepProvenance(label: string, runs: readonly LoadedRun[]): string {
  const seeds = runs.map((r) => r.meta.config.seed);
  const steps = [...new Set(runs.map((r) => r.meta.steps))].map(formatInteger).join('/');
  const losses = runs.map((r) => r.meta.finalLoss);
  const seedText = new Set(seeds).size === 1 ? `seed ${seeds[0]}` : `seeds ${Math.min(...seeds)}–${Math.max(...seeds)}`;
  return `${label}: ${formatInteger(runs.length)} runs #${combinedHash(runs)}, ${seedText}, ${steps} steps, final loss ${formatLossRange(Math.min(...losses), Math.max(...losses))}`;
}

/** Legend of the outcome colours. */
export function outcomeLegend(width: number, outcomes: readonly Outcome[] = OUTCOMES, perRow = outcomes.length): Plot.PlotOptions {
  return swatchLegend(width, outcomes.map((o) => ({ label: outcomeLabels[o], color: outcomeColors[o] })), perRow);
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
