/**
 * `outcome-thresholds`: how the end-state counts of every n = 7 sweep run move when each
 * threshold of the classifier (pipeline/analysis/outcomes.ts) is tightened (its tolerance
 * halved) or loosened (doubled), one at a time. The figures' verdicts should not hinge on
 * one threshold; this table is where that is checked. Counts come from
 * measurements/failure.ts (thresholdSensitivity).
 */
import { moduleFile, type Table, type TableOutput } from '../../../pipeline/post/table.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { OUTCOMES, OUTCOME_THRESHOLDS } from '../../../pipeline/analysis/outcomes.ts';
import { escapeHtml, htmlTable } from '../../../pipeline/post/html.ts';
import { formatInteger, formatRatio } from '../../../pipeline/post/format.ts';
import { ALL_SETTINGS, ALL_SETTING_IDS, thresholdSensitivity } from '../measurements/failure.ts';

/** Short names for the thresholds, as the prose uses them. */
const NAMES: Record<keyof typeof OUTCOME_THRESHOLDS, string> = {
  exactLoss: 'exact loss',
  deadFraction: 'short feature (fraction of longest)',
  deadBiasTolerance: 'dead bias within 1/n ±',
  failureLossSlack: 'symmetric-failure loss slack',
  radiusGap: 'radius gap',
  minNormRatio: 'even: norm ratio ≥',
  maxGapRatio: 'even: gap ratio ≤',
};

const LABELS: Record<(typeof OUTCOMES)[number], string> = {
  even: 'even',
  'several-radii': 'several radii',
  uneven: 'one circle, uneven',
  'symmetric-failure': 'symmetric failure',
  'small-feature': 'small feature',
  'switched-off': 'switched off',
  other: 'other',
};

const number = (x: number) => String(Number(x.toPrecision(3)));

export function outcomeThresholdsTable(runs: RunSet): TableOutput {
  const rows = thresholdSensitivity(runs);
  const base = rows[0];
  const changed = rows.filter((r) => r.changedVerdicts.length > 0);
  const largest = rows.slice(1).reduce((a, b) => ((b.largestShift ? Math.abs(b.largestShift.to - b.largestShift.from) : 0) > (a.largestShift ? Math.abs(a.largestShift.to - a.largestShift.from) : 0) ? b : a));
  const html = htmlTable({
    className: 'thresholds',
    caption: `End states of all ${formatInteger(ALL_SETTING_IDS.length)} n = 7 sweep runs (${ALL_SETTINGS.length} settings × 100 seeds) under the classifier's thresholds, and with each threshold's tolerance halved (tighter) or doubled (looser).`,
    head: ['Threshold', 'Value', ...OUTCOMES.map((o) => LABELS[o]), 'Largest shift at one setting', 'Settings whose leading end state changes'],
    rows: rows.map((r) => {
      const counts = OUTCOMES.map((o) => {
        const delta = r.counts[o] - base.counts[o];
        return r.variant && delta !== 0 ? `${r.counts[o]} (${delta > 0 ? '+' : '−'}${Math.abs(delta)})` : String(r.counts[o]);
      });
      const shift = r.largestShift ? `${escapeHtml(LABELS[r.largestShift.outcome])} at ${escapeHtml(r.largestShift.setting)}: ${formatRatio(r.largestShift.from)} → ${formatRatio(r.largestShift.to)}` : '—';
      return [
        r.variant ? `${NAMES[r.variant.threshold]}, ${r.variant.direction}` : 'as defined',
        r.variant ? `${number(OUTCOME_THRESHOLDS[r.variant.threshold])} → ${number(r.variant.value)}` : 'all',
        ...counts,
        { html: shift },
        r.changedVerdicts.length > 0 ? r.changedVerdicts.join('; ') : 'none',
      ];
    }),
  });
  const shift = largest.largestShift;
  return {
    html,
    numbers: {
      'outcome-thresholds.runs': formatInteger(ALL_SETTING_IDS.length),
      'outcome-thresholds.variants': String(rows.length - 1),
      'outcome-thresholds.variantsChangingVerdicts': String(changed.length),
      'outcome-thresholds.changedVerdicts': changed.length === 0 ? 'none' : changed.map((r) => `${NAMES[r.variant!.threshold]} ${r.variant!.direction}: ${r.changedVerdicts.join(', ')}`).join('; '),
      'outcome-thresholds.largestShift': shift ? `${formatRatio(Math.abs(shift.to - shift.from))} (${LABELS[shift.outcome]} at ${shift.setting}, ${NAMES[largest.variant!.threshold]} ${largest.variant!.direction})` : 'none',
    },
  };
}

export const outcomeThresholds: Table = {
  id: 'outcome-thresholds',
  needs: [...ALL_SETTING_IDS],
  // Its own code and the measurements it calls: not the post's figures.
  code: [moduleFile(import.meta.url)],
  render: outcomeThresholdsTable,
};
