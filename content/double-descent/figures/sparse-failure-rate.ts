/**
 * `sparse-failure-rate`: in the paper's own setting (sparse(10,000, 0.999), m = 2, its
 * schedule), how often the training examples' hidden vectors end as an evenly spaced
 * T-gon, on several radii, with an example left unrepresented, or otherwise uneven, per
 * T ≤ 30, with 95 % Wilson intervals over data seeds.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { swatchLegend } from '../../../pipeline/render/legend.ts';
import { formatInteger, selectRuns } from '../../../pipeline/post/format.ts';
import { colors } from '../../../pipeline/render/theme.ts';
import { computedOutcomeRows, failureRateIds, formatFraction, type OutcomeRow } from '../measurements/failure-rate.ts';
import { COMPUTED_IDS } from '../measurements/computed.ts';
import { SPARSE_OUTCOME_LABELS, SPARSE_OUTCOMES, type SparseOutcome } from '../measurements/outcomes.ts';
import { FAILURE_T } from '../experiments/sweep.ts';
import { EVEN_THRESHOLDS } from '../../../pipeline/analysis/geometry.ts';
import { sweepProvenanceLine } from './sweep-common.ts';

const WIDTH = 720;

export const outcomeColors: Record<SparseOutcome, string> = {
  even: colors.feature,
  'several-radii': '#e08214',
  unrepresented: colors.accent,
  other: colors.muted,
};

/**
 * Horizontal offset per outcome (px) within a T's slot, so the four intervals at one T sit
 * side by side. T is categorical here (each T its own slot, evenly spaced): the outcomes at
 * neighbouring T are separate experiments, not points on a trend, so nothing joins them.
 */
const DODGE_STEP = 14;
const dodge = (outcome: SparseOutcome) => (SPARSE_OUTCOMES.indexOf(outcome) - (SPARSE_OUTCOMES.length - 1) / 2) * DODGE_STEP;


function panel(rows: OutcomeRow[]): PlotOptions {
  const points = rows.flatMap((row) =>
    SPARSE_OUTCOMES.map((outcome) => ({ T: row.T, outcome, f: row.fractions[outcome].fraction, low: row.fractions[outcome].low, high: row.fractions[outcome].high, color: outcomeColors[outcome] })),
  );
  const marks: Plot.Markish[] = [Plot.ruleY([0], { stroke: colors.grid })];
  for (const outcome of SPARSE_OUTCOMES) {
    const series = points.filter((p) => p.outcome === outcome);
    const dx = dodge(outcome);
    marks.push(
      Plot.ruleX(series, { x: 'T', y1: 'low', y2: 'high', stroke: 'color', strokeWidth: 1.5, dx }),
      Plot.dot(series, { x: 'T', y: 'f', fill: 'color', r: 3.5, dx }),
    );
  }
  return {
    width: WIDTH,
    height: 260,
    marginTop: 12,
    marginRight: 14,
    marginBottom: 40,
    marginLeft: 56,
    x: { type: 'point', domain: [...FAILURE_T], padding: 0.5, label: 'training examples T', labelAnchor: 'center', labelArrow: 'none', labelOffset: 34, tickSize: 0 },
    y: { domain: [0, 1], label: 'fraction of data seeds', labelAnchor: 'center', labelArrow: 'none', grid: true },
    marks,
  };
}

/** The figure over the runs with these ids (by default the computed ones; tests pass the full sweep). */
export function sparseFailureRateFigure(ids: readonly string[] = COMPUTED_IDS): Figure {
  return {
    id: 'sparse-failure-rate',
    needs: failureRateIds(ids),
    caption:
      'How often the paper\u2019s own setting gives an evenly spaced $T$-gon: for each $T \\le 30$, the fraction of dataset seeds ' +
      '(initialisation fixed) whose training examples\u2019 hidden vectors end in each arrangement, with 95 % Wilson intervals. ' +
      `Even: every hidden vector on one regular $T$-gon (norm ratio at least ${EVEN_THRESHOLDS.minNormRatio}, largest angular gap at most ` +
      `${EVEN_THRESHOLDS.maxGapRatio} times $2\\pi/T$); several radii: the lengths fall on two or more circles (more than 10 % apart); ` +
      'unrepresented: some example\u2019s hidden vector is shorter than a tenth of the longest; other: one circle, unevenly spaced. ' +
      'The number of seeds per $T$ is in the provenance line; the full sweep has 20.',
    render(runs: RunSet): FigureOutput {
      const used = selectRuns(runs, failureRateIds(ids));
      const rows = computedOutcomeRows(runs, failureRateIds(ids));
      const legend = swatchLegend(WIDTH, SPARSE_OUTCOMES.map((o) => ({ label: SPARSE_OUTCOME_LABELS[o], color: outcomeColors[o] })), 4);
      const svg = renderGrid(
        { rows: [[{ plot: legend }], [{ plot: panel(rows) }]], gap: { x: 0, y: 4 } },
        {
          id: 'sparse-failure-rate',
          title: 'Outcome fractions of the memorization runs against T',
          desc:
            'Outcome fractions with 95 % Wilson intervals per T. ' +
            rows.map((row) => `T = ${row.T}: ${SPARSE_OUTCOMES.map((o) => `${SPARSE_OUTCOME_LABELS[o]} ${row.fractions[o].successes}/${row.fractions[o].trials}`).join(', ')}`).join('; ') +
            '.',
        },
      );
      const numbers: Record<string, string> = {
        'sparse-failure-rate.seedsPerT': [...new Set(rows.map((r) => r.runs.length))].sort((a, b) => a - b).map(formatInteger).join('–'),
        'sparse-failure-rate.unevenT': rows.filter((r) => r.unevenSeeds.length > 0).map((r) => String(r.T)).join(', ') || 'none',
        'sparse-failure-rate.evenRuns': formatInteger(rows.reduce((s, r) => s + r.fractions.even.successes, 0)),
        'sparse-failure-rate.runs': formatInteger(used.length),
      };
      for (const row of rows) {
        numbers[`sparse-failure-rate.evenT${row.T}`] = formatFraction(row.fractions.even);
      }
      return { svg, provenance: sweepProvenanceLine(used), numbers };
    },

  };
}

export default sparseFailureRateFigure();
