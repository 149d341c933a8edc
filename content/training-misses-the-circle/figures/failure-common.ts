/**
 * What the section-10 figures share for drawing: the outcome colours and labels, legend
 * marks, and a compact provenance line for sweeps of hundreds of runs. What they measure
 * (outcomes, fractions, run selections) is in ../measurements/failure.ts.
 */
import { createHash } from 'node:crypto';
import * as Plot from '@observablehq/plot';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { OUTCOMES, type Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { formatInteger, formatLossRange } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { swatchLegend } from '../../../pipeline/render/legend.ts';

export { swatchLegend, type LegendItem } from '../../../pipeline/render/legend.ts';

/**
 * One colour per outcome, the same in every section 10 figure. Memorizing states are
 * blue/orange/light blue, failures red/purple/near-black, "other" grey; labels always
 * accompany the colours, so no figure relies on hue alone.
 */
export const outcomeColors: Record<Outcome, string> = {
  even: colors.feature,
  'several-radii': '#e08214',
  uneven: '#92c5de',
  'symmetric-failure': colors.accent,
  'small-feature': '#8e44ad',
  'switched-off': '#3b3b3b',
  other: colors.muted,
};

export const outcomeLabels: Record<Outcome, string> = {
  even: 'even n-gon',
  'several-radii': 'several radii',
  uneven: 'one circle, uneven',
  'symmetric-failure': 'symmetric failure',
  'small-feature': 'small feature',
  'switched-off': 'switched off',
  other: 'other',
};

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

/** The outcome legend split over `columns` grid columns of `width` each (grid columns share a width, so a legend cannot span them). */
export function outcomeLegendColumns(width: number, outcomes: readonly Outcome[], columns: number): Plot.PlotOptions[] {
  const per = Math.ceil(outcomes.length / columns);
  return Array.from({ length: columns }, (_, k) => outcomeLegend(width, outcomes.slice(k * per, (k + 1) * per), 2));
}

/** Legend of the outcome colours. */
export function outcomeLegend(width: number, outcomes: readonly Outcome[] = OUTCOMES, perRow = outcomes.length): Plot.PlotOptions {
  return swatchLegend(width, outcomes.map((o) => ({ label: outcomeLabels[o], color: outcomeColors[o] })), perRow);
}

