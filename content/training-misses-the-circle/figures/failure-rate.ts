/**
 * `failure-rate`: outcome fractions with 95 % Wilson intervals, 100 seeds per point.
 * Top: the outcome vs n = 3 … 12 (lr 10⁻³, 50,000 steps), and n = 7 vs the learning rate,
 * each rate trained until its outcome stops changing (experiments/failure.ts). Bottom:
 * weight decay and the warmup + cosine schedule at lr 10⁻³ and 0.1, and how often runs
 * that enter a failure state leave it (escape), per learning rate.
 * What the points are comes from measurements/failure.ts; this module only draws.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { OUTCOMES, type Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { wilson, type Proportion } from '../../../pipeline/analysis/stats.ts';
import { FAILURE_LR, FAILURE_N, FAILURE_SEEDS, FAILURE_STEPS, SWEEP_LRS, SWEEP_N, failureSweepIds } from '../experiments/failure.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatInteger, formatLossRange, formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize, maxWidth } from '../../../pipeline/render/theme.ts';
import {
  ALL_SETTING_IDS,
  factorSweep,
  finalClassification,
  formatProportion,
  formatRate,
  isHexagonPlusOff,
  lrSweep,
  outcomeFractions,
  prevalentEndStates,
  escapes,
  settingLabel,
  type SettingMeasure,
} from '../measurements/failure.ts';
import { outcomeColors, outcomeLabels, outcomeLegendColumns, sweepProvenance, combinedHash } from './failure-common.ts';

interface Point {
  x: number;
  outcome: Outcome;
  p: Proportion;
}

const nIds = FAILURE_N.flatMap(failureSweepIds);

/** Horizontal offset per outcome (px), so intervals at one x do not hide each other. */
const DODGE: Record<Outcome, number> = { even: -6, 'several-radii': -4, uneven: -2, 'symmetric-failure': 0, 'small-feature': 2, 'switched-off': 4, other: 6 };

const lrTicks = (d: number) => formatRate(d);

function panel(points: Point[], width: number, x: PlotOptions['x'], xLabel: string, options: { lines?: boolean; y?: string } = {}): PlotOptions {
  // Outcomes that never occur in this panel are left out, so the ones that do stay readable.
  const present = OUTCOMES.filter((o) => points.some((d) => d.outcome === o && d.p.successes > 0));
  const rows = points.filter((d) => present.includes(d.outcome)).map((d) => ({ x: d.x, f: d.p.fraction, low: d.p.low, high: d.p.high, color: outcomeColors[d.outcome], outcome: d.outcome }));
  const marks: Plot.Markish[] = [Plot.ruleY([0], { stroke: colors.grid })];
  for (const outcome of present) {
    const series = rows.filter((r) => r.outcome === outcome);
    const dx = DODGE[outcome];
    marks.push(
      Plot.ruleX(series, { x: 'x', y1: 'low', y2: 'high', stroke: 'color', strokeWidth: 1.4, dx }),
      ...(options.lines === false ? [] : [Plot.line(series, { x: 'x', y: 'f', stroke: 'color', strokeWidth: 1.1, strokeOpacity: 0.7, dx })]),
      Plot.dot(series, { x: 'x', y: 'f', fill: 'color', r: 2.6, dx }),
    );
  }
  return {
    width,
    height: 230,
    marginTop: 12,
    marginRight: 14,
    marginBottom: 38,
    marginLeft: 48,
    x: { ...x, label: xLabel, labelAnchor: 'center', labelOffset: 32 },
    y: { domain: [0, 1], label: options.y ?? 'fraction of seeds', labelAnchor: 'center', labelOffset: 40, grid: true },
    marks,
  };
}

function pointsOf(groups: { x: number; final: Record<Outcome, Proportion> }[]): Point[] {
  return groups.flatMap((g) => OUTCOMES.map((outcome) => ({ x: g.x, outcome, p: g.final[outcome] })));
}

/**
 * Short label of a weight-decay / schedule setting for the categorical axis: the weight
 * decay alone (the axis title says what it is), so five labels fit a narrow panel.
 */
function factorLabel(m: SettingMeasure): string {
  if (m.setting.schedule !== 'constant') return 'cosine';
  return formatRate(m.setting.weightDecay);
}

const countsText = (m: { final: Record<Outcome, Proportion> }) =>
  OUTCOMES.filter((o) => m.final[o].successes > 0)
    .map((o) => `${outcomeLabels[o]} ${m.final[o].successes}`)
    .join(', ');

const figure: Figure = {
  id: 'failure-rate',
  needs: [...nIds, ...ALL_SETTING_IDS],
  caption:
    'How often each end state occurs, with 95 % Wilson intervals over the same 100 initialisation seeds per point; ' +
    'identity data, $m = 2$, trainable bias, AdamW. Top left: $n = 3 \\ldots 12$ after 50,000 steps at a constant learning ' +
    'rate of $10^{-3}$ and weight decay $10^{-2}$, the first sweep (which section 10 shows is too short to be final). Top ' +
    'middle: $n = 7$ against the learning rate, weight decay $10^{-2}$, each rate trained until its end state stops ' +
    'changing (from $10^{5}$ to $2 \\cdot 10^{6}$ steps; the next figure shows how it gets there). Top right: of the runs ' +
    'seen in a failure state at some snapshot, the fraction that ends memorizing every example, per learning rate (a stall ' +
    'shorter than the snapshot spacing is not seen). Bottom: $n = 7$ at learning rates $10^{-3}$ and $0.1$ with the weight ' +
    'decay varied, and with the warm-up and cosine schedule instead of a constant rate (same lengths). Only the end states ' +
    'that occur in a panel are drawn.',
  render(runs: RunSet): FigureOutput {
    const byN = FAILURE_N.map((n) => {
      const used = selectRuns(runs, failureSweepIds(n));
      return { n, runs: used, final: outcomeFractions(used.map((run) => finalClassification(run).outcome)) };
    });
    const lrs = lrSweep(runs);
    const factors = factorSweep(runs);

    const narrow = Math.floor((maxWidth - 24) / 3);
    const lrDomain: [number, number] = [SWEEP_LRS[0] / 1.6, SWEEP_LRS[SWEEP_LRS.length - 1] * 1.6];
    const decades = [1e-4, 1e-3, 1e-2, 1e-1];
    const nPanel = panel(pointsOf(byN.map((g) => ({ x: g.n, final: g.final }))), narrow, { domain: [2.5, 12.5], ticks: FAILURE_N, tickFormat: 'd' }, 'n (features = examples)');
    const lrPanel = panel(pointsOf(lrs.map((m) => ({ x: m.setting.lr, final: m.final }))), narrow, { type: 'log', domain: lrDomain, ticks: decades, tickFormat: lrTicks }, 'learning rate');
    const factorPanels = factors.map(({ lr, settings }) =>
      panel(
        pointsOf(settings.map((m, k) => ({ x: k, final: m.final }))),
        narrow,
        { domain: [-0.6, settings.length - 0.4], ticks: settings.map((_, k) => k), tickFormat: (k: number) => factorLabel(settings[k]) },
        'weight decay, or cosine schedule',
        { lines: false },
      ),
    );
    const escapeRows = lrs.flatMap((m) => [
      { x: m.setting.lr, p: m.escapedSymmetric, kind: 'symmetric failure' as const, color: outcomeColors['symmetric-failure'], dx: -2 },
      { x: m.setting.lr, p: m.escapedFailure, kind: 'any failure state' as const, color: outcomeColors['small-feature'], dx: 2 },
    ]).filter((r) => r.p.trials > 0);
    const escapePanel: PlotOptions = {
      width: narrow,
      height: 230,
      marginTop: 12,
      marginRight: 14,
      marginBottom: 38,
      marginLeft: 48,
      x: { type: 'log', domain: lrDomain, ticks: decades, tickFormat: lrTicks, label: 'learning rate', labelAnchor: 'center', labelOffset: 32 },
      y: { domain: [0, 1], label: 'fraction that escapes', labelAnchor: 'center', labelOffset: 40, grid: true },
      marks: [
        Plot.ruleX(escapeRows, { x: 'x', y1: (r: (typeof escapeRows)[number]) => r.p.low, y2: (r: (typeof escapeRows)[number]) => r.p.high, stroke: 'color', strokeWidth: 1.4, dx: 'dx' as never }),
        Plot.dot(escapeRows, { x: 'x', y: (r: (typeof escapeRows)[number]) => r.p.fraction, fill: 'color', r: 2.6, dx: 'dx' as never }),
      ],
    };
    const present = OUTCOMES.filter((o) => [...byN, ...lrs, ...factors.flatMap((f) => f.settings)].some((g) => g.final[o].successes > 0));
    const svg = renderGrid(
      {
        rows: [
          outcomeLegendColumns(narrow, present, 3).map((plot) => ({ plot })),
          [
            { heading: [{ text: `n = 3 … 12 (lr ${formatRate(FAILURE_LR)}, ${formatInteger(FAILURE_STEPS)} steps)`, weight: 'bold' }], plot: nPanel },
            { heading: [{ text: 'n = 7: end state vs learning rate', weight: 'bold' }], plot: lrPanel },
            {
              heading: [{ text: 'n = 7: escape from a failure state', weight: 'bold' }],
              plot: escapePanel,
              footer: [
                { text: '● runs seen in the symmetric failure', size: fontSize.tick, fill: outcomeColors['symmetric-failure'] },
                { text: '● runs seen in any failure state', size: fontSize.tick, fill: outcomeColors['small-feature'] },
              ],
            },
          ],
          factors.map((f, k) => ({ heading: [{ text: `n = 7, lr ${formatRate(f.lr)}`, weight: 'bold' as const }], plot: factorPanels[k] })),
        ],
        gap: { x: 12, y: 6 },
      },
      {
        id: 'failure-rate',
        title: 'End-state fractions of identity(n), m = 2 training vs n, learning rate, weight decay and schedule, and escape rates',
        desc:
          'Outcome fractions with 95 % Wilson intervals, 100 seeds per point. ' +
          byN.map((g) => `n = ${g.n}: ${countsText(g)}`).join('; ') +
          '. n = 7 by learning rate: ' +
          lrs.map((m) => `${formatRate(m.setting.lr)}: ${countsText(m)}`).join('; ') +
          '. Weight decay and schedule: ' +
          factors.flatMap((f) => f.settings.map((m) => `${settingLabel(m.setting)}: ${countsText(m)}`)).join('; ') +
          '. Escape: ' +
          lrs.map((m) => `${formatRate(m.setting.lr)}: ${m.escapedSymmetric.successes}/${m.escapedSymmetric.trials} leave the symmetric failure, ${m.escapedFailure.successes}/${m.escapedFailure.trials} any failure state`).join('; ') +
          '.',
      },
    );

    const key = (o: Outcome) => o.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const numbers: Record<string, string> = {
      'failure-rate.seeds': formatInteger(FAILURE_SEEDS.length),
      'failure-rate.steps': formatInteger(FAILURE_STEPS),
      'failure-rate.baselineLr': formatRate(FAILURE_LR),
      'failure-rate.nRuns': formatInteger(nIds.length),
      'failure-rate.sweepRuns': formatInteger(ALL_SETTING_IDS.length),
      'failure-rate.lrCount': String(lrs.length),
      'failure-rate.lowestLr': formatRate(SWEEP_LRS[0]),
      'failure-rate.highestLr': formatRate(SWEEP_LRS[SWEEP_LRS.length - 1]),
    };
    for (const g of byN) {
      for (const o of OUTCOMES) numbers[`failure-rate.n${g.n}.${key(o)}`] = formatProportion(g.final[o]);
      numbers[`failure-rate.n${g.n}.memorizing`] = formatProportion(wilson(g.runs.filter((r) => escapes(finalClassification(r).outcome)).length, g.runs.length));
    }
    for (const m of [...lrs, ...factors.flatMap((f) => f.settings)]) {
      for (const o of OUTCOMES) numbers[`failure-rate.${m.key}.${key(o)}`] = formatProportion(m.final[o]);
      numbers[`failure-rate.${m.key}.memorizing`] = formatProportion(m.memorizing);
      numbers[`failure-rate.${m.key}.steps`] = formatInteger(m.setting.steps);
      // How many weight-decay time scales 1/(lr · wd) the run lasts (the clock on which several radii merge).
      if (m.setting.weightDecay > 0) numbers[`failure-rate.${m.key}.decayTimes`] = String(Number((m.setting.lr * m.setting.weightDecay * m.setting.steps).toPrecision(2)));
      numbers[`failure-rate.${m.key}.escapeSymmetric`] = `${m.escapedSymmetric.successes} of ${m.escapedSymmetric.trials}`;
      numbers[`failure-rate.${m.key}.escapeAny`] = `${m.escapedFailure.successes} of ${m.escapedFailure.trials}`;
      numbers[`failure-rate.${m.key}.escapeAnyRate`] = formatProportion(m.escapedFailure);
      numbers[`failure-rate.${m.key}.unsettled`] = String(m.unsettled);
      numbers[`failure-rate.${m.key}.flickering`] = String(m.flickering);
      numbers[`failure-rate.${m.key}.finalFlicker`] = String(m.finalFlicker);
      numbers[`failure-rate.${m.key}.hexagonPlusOff`] = String(m.hexagonPlusOff);
      const off = [...m.offCounts.keys()].sort((a, b) => a - b);
      numbers[`failure-rate.${m.key}.offFeatures`] = off.length === 0 ? 'none' : off.length === 1 ? String(off[0]) : `${off[0]} to ${off[off.length - 1]}`;
      numbers[`failure-rate.${m.key}.allOff`] = String(m.offCounts.get(SWEEP_N) ?? 0);
      numbers[`failure-rate.${m.key}.unsettledClass`] = String(m.unsettledClass);
    }
    // The most seeds any rate of the learning-rate sweep (weight decay 10⁻², constant) ends in each state.
    for (const o of OUTCOMES) {
      const top = lrs.reduce((a, b) => (b.final[o].successes > a.final[o].successes ? b : a));
      numbers[`failure-rate.lrSweepMax.${key(o)}`] = `${top.final[o].successes} of ${top.final[o].trials}${top.final[o].successes > 0 ? ` (lr ${formatRate(top.setting.lr)})` : ''}`;
    }
    // The loss of each failure state where it is an end state, over every n = 7 setting.
    const allMeasures = [...lrs, ...factors.flatMap((f) => f.settings.filter((m) => !lrs.includes(m)))];
    for (const o of ['small-feature', 'switched-off', 'uneven'] as const) {
      const losses = allMeasures.flatMap((m) => m.trajectories.filter((t) => t.final.outcome === o).map((t) => t.final.loss));
      numbers[`failure-rate.${key(o)}Loss`] = losses.length === 0 ? 'none' : formatLossRange(Math.min(...losses), Math.max(...losses));
    }
    // The small feature's own bias and length relative to the longest feature, over its end states.
    const small = allMeasures.flatMap((m) => m.trajectories.filter((t) => t.final.outcome === 'small-feature').map((t) => t));
    const smallBias = small.flatMap((t) => t.final.deadFeatures.map((i) => t.run.b[i]));
    numbers['failure-rate.smallFeatureBias'] = smallBias.length === 0 ? 'none' : `${formatRatio(Math.min(...smallBias))} to ${formatRatio(Math.max(...smallBias))}`;
    const levels = small.map((t) => t.final.radiusLevels.length);
    numbers['failure-rate.smallFeatureRadii'] = small.length === 0 ? 'none' : Math.min(...levels) === Math.max(...levels) ? String(levels[0]) : `${Math.min(...levels)} to ${Math.max(...levels)}`;
    const hexagonOff = allMeasures.flatMap((m) => m.trajectories.filter((t) => isHexagonPlusOff(t.final, SWEEP_N)).map((t) => t.final.loss));
    numbers['failure-rate.hexagonPlusOffLoss'] = hexagonOff.length === 0 ? 'none' : formatLossRange(Math.min(...hexagonOff), Math.max(...hexagonOff));
    numbers['failure-rate.hexagonPlusOffTotal'] = String(hexagonOff.length);
    // Every end state that holds at least PREVALENT of the seeds at some tested setting, with where it peaks.
    const settings = [
      ...byN.map((g) => ({ label: `n = ${g.n}, lr ${formatRate(FAILURE_LR)}, ${formatInteger(FAILURE_STEPS)} steps`, final: g.final })),
      ...[...lrs, ...factors.flatMap((f) => f.settings.filter((m) => !lrs.includes(m)))].map((m) => ({ label: `n = 7, ${settingLabel(m.setting)}`, final: m.final })),
    ];
    const prevalent = prevalentEndStates(settings).map(({ outcome, peak }) => `${outcomeLabels[outcome]} (up to ${peak.final[outcome].successes} of ${peak.final[outcome].trials}, at ${peak.label})`);
    numbers['failure-rate.prevalent'] = prevalent.join('; ');
    numbers['failure-rate.prevalentCount'] = String(prevalent.length);
    const provenance = [
      sweepProvenance(`n = 3 … 12, lr ${formatRate(FAILURE_LR)}`, selectRuns(runs, nIds)),
      ...[...lrs, ...factors.flatMap((f) => f.settings.filter((m) => !lrs.includes(m)))].map((m) => sweepProvenance(`n = 7, ${settingLabel(m.setting)}`, m.runs)),
      `all ${formatInteger(nIds.length + ALL_SETTING_IDS.length)} runs #${combinedHash(selectRuns(runs, [...nIds, ...ALL_SETTING_IDS]))}`,
    ].join('; ');
    return { svg, provenance, numbers };
  },
};

export default figure;
