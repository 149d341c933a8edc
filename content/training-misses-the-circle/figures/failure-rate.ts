/**
 * `failure-rate`: outcome fractions with 95 % Wilson intervals, 100 seeds per point.
 * Left: final outcome vs n = 3 … 12. Middle: n = 7, final outcome vs learning rate.
 * Right: n = 7 at the baseline rate, outcome vs training length (the snapshots of the
 * constant-rate runs, each of which is the end state of a run of that length).
 */
import * as Plot from '@observablehq/plot';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { OUTCOME_THRESHOLDS, OUTCOMES, type Outcome } from '../../../pipeline/analysis/outcomes.ts';
import type { Proportion } from '../../../pipeline/analysis/stats.ts';
import {
  FAILURE_LR,
  FAILURE_LRS,
  FAILURE_N,
  FAILURE_SEEDS,
  FAILURE_STEPS,
  failureLrSweepIds,
  failureSweepIds,
} from '../experiments/failure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatInteger, selectRuns } from '../../../pipeline/post/format.ts';
import { colors } from '../../../pipeline/render/theme.ts';
import { finalClassification, formatProportion, outcomeFractions, snapshotClassifications } from '../measurements/failure.ts';
import { outcomeLegend, outcomeColors, outcomeLabels, sweepProvenance, combinedHash } from './failure-common.ts';

interface Point {
  x: number;
  outcome: Outcome;
  p: Proportion;
}

const nIds = FAILURE_N.flatMap(failureSweepIds);
const lrIds = FAILURE_LRS.filter((lr) => lr !== FAILURE_LR).flatMap(failureLrSweepIds);

/** Horizontal offset per outcome (px), so intervals at one x do not hide each other. */
const DODGE: Record<Outcome, number> = { even: -4.5, 'symmetric-failure': -1.5, 'several-radii': 1.5, other: 4.5 };

function panel(points: Point[], width: number, x: PlotOptions['x'], xLabel: string): PlotOptions {
  const rows = points.map((d) => ({ x: d.x, outcome: d.outcome, f: d.p.fraction, low: d.p.low, high: d.p.high, color: outcomeColors[d.outcome], dx: DODGE[d.outcome] }));
  const marks: Plot.Markish[] = [Plot.ruleY([0], { stroke: colors.grid })];
  for (const outcome of OUTCOMES) {
    const series = rows.filter((r) => r.outcome === outcome);
    const dx = DODGE[outcome];
    marks.push(
      Plot.ruleX(series, { x: 'x', y1: 'low', y2: 'high', stroke: 'color', strokeWidth: 1.5, dx }),
      Plot.line(series, { x: 'x', y: 'f', stroke: 'color', strokeWidth: 1.2, strokeOpacity: 0.7, dx }),
      Plot.dot(series, { x: 'x', y: 'f', fill: 'color', r: 2.8, dx }),
    );
  }
  return {
    width,
    height: 250,
    marginTop: 12,
    marginRight: 12,
    marginBottom: 38,
    marginLeft: 40,
    x: { ...x, label: xLabel, labelAnchor: 'center', labelOffset: 32 },
    y: { domain: [0, 1], label: 'fraction of seeds', labelAnchor: 'center', labelOffset: 32, grid: true },
    marks,
  };
}

function fractionsBy<K>(groups: { key: K; outcomes: Outcome[] }[], toX: (key: K) => number): Point[] {
  return groups.flatMap(({ key, outcomes }) => {
    const fractions = outcomeFractions(outcomes);
    return OUTCOMES.map((outcome) => ({ x: toX(key), outcome, p: fractions[outcome] }));
  });
}

const figure: Figure = {
  id: 'failure-rate',
  needs: [...nIds, ...lrIds],
  caption:
    'How often each outcome occurs, with 95 % Wilson intervals over 100 initialisation seeds per point; identity data, ' +
    '$m = 2$, trainable bias, AdamW with weight decay $10^{-2}$ at a constant learning rate. Left: the outcome after ' +
    '50,000 steps at learning rate $10^{-3}$, for $n = 3 \\ldots 12$. Middle: $n = 7$, the same length, six learning rates. ' +
    'Right: $n = 7$ at $10^{-3}$ against training length; with a constant learning rate a shorter run is exactly the start ' +
    'of a longer one, so these are the parameter snapshots of the same 100 runs. Outcomes are classified from the ' +
    'parameters alone (pipeline/analysis/outcomes.ts): an even $n$-gon at zero loss; the symmetric failure (dead features ' +
    'with bias $1/n$, the rest evenly spaced); zero loss on several radii; anything else.',
  render(runs: RunSet): FigureOutput {
    const byN = FAILURE_N.map((n) => ({ key: n, runs: selectRuns(runs, failureSweepIds(n)) }));
    const byLr = FAILURE_LRS.map((lr) => ({ key: lr, runs: selectRuns(runs, failureLrSweepIds(lr)) }));
    const n7 = byN.find((g) => g.key === 7)!.runs;
    const classify = (group: LoadedRun[]) => group.map((run) => finalClassification(run).outcome);
    const nGroups = byN.map((g) => ({ key: g.key, outcomes: classify(g.runs) }));
    const lrGroups = byLr.map((g) => ({ key: g.key, outcomes: classify(g.runs) }));
    const snapshotRuns = n7.map(snapshotClassifications);
    const steps = snapshotRuns[0].map((s) => s.step).filter((s) => s > 0);
    const lengthGroups = steps.map((step) => ({ key: step, outcomes: snapshotRuns.map((snaps) => snaps.find((s) => s.step === step)!.outcome) }));

    const panelWidth = 290;
    const svg = renderGrid(
      {
        rows: [
          [{ plot: outcomeLegend(panelWidth, ['even', 'symmetric-failure']) }, { plot: outcomeLegend(panelWidth, ['several-radii', 'other']) }],
          [
            {
              heading: [{ text: 'Outcome vs n (lr 10⁻³)', weight: 'bold' }],
              plot: panel(fractionsBy(nGroups, (n) => n), panelWidth, { domain: [2.5, 12.5], ticks: FAILURE_N, tickFormat: 'd' }, 'n (features = examples)'),
            },
            {
              heading: [{ text: 'n = 7: outcome vs learning rate', weight: 'bold' }],
              plot: panel(fractionsBy(lrGroups, (lr) => lr), panelWidth, { type: 'log', domain: [7e-5, 4.5e-2], ticks: FAILURE_LRS, tickFormat: (d: number) => d.toExponential(0).replace('e-', 'e−') }, 'learning rate'),
            },
            {
              heading: [{ text: 'n = 7: outcome vs training length', weight: 'bold' }],
              plot: panel(fractionsBy(lengthGroups, (s) => s), panelWidth, { domain: [0, FAILURE_STEPS * 1.03], ticks: [0, 10_000, 20_000, 30_000, 40_000, 50_000], tickFormat: (d: number) => `${d / 1000}k` }, 'training steps'),
            },
          ],
        ],
        gap: { x: 8, y: 6 },
      },
      {
        id: 'failure-rate',
        title: 'Outcome fractions of identity(n), m = 2 training vs n, learning rate and training length',
        desc:
          'Three panels of outcome fractions with 95 % Wilson intervals, 100 seeds per point. ' +
          nGroups.map((g) => `n = ${g.key}: ${OUTCOMES.map((o) => `${outcomeLabels[o]} ${g.outcomes.filter((x) => x === o).length}`).join(', ')}`).join('; ') +
          '. n = 7 by learning rate: ' +
          lrGroups.map((g) => `${g.key}: ${OUTCOMES.map((o) => `${outcomeLabels[o]} ${g.outcomes.filter((x) => x === o).length}`).join(', ')}`).join('; ') +
          '. n = 7 by training length: ' +
          lengthGroups.map((g) => `${g.key} steps: ${OUTCOMES.map((o) => `${outcomeLabels[o]} ${g.outcomes.filter((x) => x === o).length}`).join(', ')}`).join('; ') +
          '.',
      },
    );

    const numbers: Record<string, string> = {
      'failure-rate.seeds': formatInteger(FAILURE_SEEDS.length),
      'failure-rate.runs': formatInteger(nIds.length + lrIds.length),
      'failure-rate.steps': formatInteger(FAILURE_STEPS),
      'failure-rate.baselineLr': FAILURE_LR.toExponential(0),
    };
    const key = (o: Outcome) => o.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    for (const g of nGroups) {
      const f = outcomeFractions(g.outcomes);
      for (const o of OUTCOMES) numbers[`failure-rate.n${g.key}.${key(o)}`] = formatProportion(f[o]);
    }
    for (const g of lrGroups) {
      const f = outcomeFractions(g.outcomes);
      for (const o of OUTCOMES) numbers[`failure-rate.lr${g.key.toExponential(0)}.${key(o)}`] = formatProportion(f[o]);
    }
    for (const g of lengthGroups) {
      const f = outcomeFractions(g.outcomes);
      for (const o of OUTCOMES) numbers[`failure-rate.step${g.key}.${key(o)}`] = formatProportion(f[o]);
    }
    // The most common symmetric failure over lengths (n = 7, baseline rate) and where it peaks.
    const peak = lengthGroups
      .map((g) => ({ step: g.key, p: outcomeFractions(g.outcomes)['symmetric-failure'] }))
      .reduce((a, b) => (b.p.fraction > a.p.fraction ? b : a));
    numbers['failure-rate.n7PeakFailureStep'] = formatInteger(peak.step);
    numbers['failure-rate.n7PeakFailure'] = formatProportion(peak.p);
    // 'other' mixes two things: exact memorization with uneven spacing, and lossy states.
    for (const g of byN) {
      const others = g.runs.map(finalClassification).filter((c) => c.outcome === 'other');
      numbers[`failure-rate.n${g.key}.otherExact`] = `${others.filter((c) => c.loss < OUTCOME_THRESHOLDS.exactLoss).length} of ${others.length}`;
      numbers[`failure-rate.n${g.key}.otherDead`] = `${others.filter((c) => c.deadFeatures.length > 0).length} of ${others.length}`;
    }
    const finalAll = nGroups.flatMap((g) => g.outcomes);
    numbers['failure-rate.allN.finalSymmetricFailure'] = `${finalAll.filter((o) => o === 'symmetric-failure').length} of ${formatInteger(finalAll.length)}`;
    numbers['failure-rate.allN.finalSeveralRadii'] = `${finalAll.filter((o) => o === 'several-radii').length} of ${formatInteger(finalAll.length)}`;

    const provenance = [
      ...byN.map((g) => sweepProvenance(`n = ${g.key}, lr 10⁻³`, g.runs)),
      ...byLr.filter((g) => g.key !== FAILURE_LR).map((g) => sweepProvenance(`n = 7, lr ${g.key.toExponential(0)}`, g.runs)),
      `training length: ${steps.length} snapshots of the n = 7, lr 10⁻³ runs`,
      `all ${formatInteger(nIds.length + lrIds.length)} runs #${combinedHash(selectRuns(runs, [...nIds, ...lrIds]))}`,
    ].join('; ');
    return { svg, provenance, numbers };
  },
};

export default figure;
