/**
 * `failure-length` (section 10): how the n = 7 end states develop with training length,
 * one panel per learning rate of the sweep (weight decay 10⁻², constant rate). With a
 * constant rate each parameter snapshot is exactly the end state of a shorter run, so a
 * panel is "outcome vs training length" for 100 seeds, read off 41 snapshots. The shaded
 * right quarter of each panel is the window over which a run must not change its class to
 * count as settled (measurements/failure.ts, SETTLED_TAIL).
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { OUTCOMES, type Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { LR_SETTINGS, SWEEP_WEIGHT_DECAY, settingIds } from '../experiments/failure.ts';
import { renderGrid, type Panel, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatInteger, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize, maxWidth } from '../../../pipeline/render/theme.ts';
import { SETTLED_TAIL, formatRate, lrSweep, type SettingMeasure } from '../measurements/failure.ts';
import { combinedHash, outcomeColors, outcomeLabels, outcomeLegendColumns } from './failure-common.ts';

const COLUMNS = 3;

/** Steps as "50k", "1.5M". */
function stepLabel(steps: number): string {
  if (steps === 0) return '0';
  if (steps >= 1e6) return `${Number((steps / 1e6).toPrecision(2))}M`;
  return `${Math.round(steps / 1000)}k`;
}

function lengthPanel(m: SettingMeasure, width: number, first: boolean, present: readonly Outcome[]): PlotOptions {
  const total = m.setting.steps;
  const rows = m.bySteps.flatMap(({ step, fractions }) => present.map((outcome) => ({ step, outcome, f: fractions[outcome].fraction })));
  return {
    width,
    height: 150,
    marginTop: 6,
    marginRight: 10,
    marginBottom: 30,
    marginLeft: first ? 40 : 14,
    x: { domain: [0, total], ticks: [0, total / 2, total], tickFormat: stepLabel, label: null },
    y: { domain: [0, 1], ticks: [0, 0.5, 1], tickFormat: first ? (d: number) => String(d) : () => '', label: null },
    color: { domain: [...present], range: present.map((o) => outcomeColors[o]) },
    marks: [
      Plot.rect([{ x1: (1 - SETTLED_TAIL) * total, x2: total }], { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: colors.grid, fillOpacity: 0.5 }),
      Plot.areaY(rows, Plot.stackY({ x: 'step', y: 'f', fill: 'outcome', order: [...present], curve: 'step-after' } as never)),
      Plot.ruleY([0, 1], { stroke: colors.muted, strokeWidth: 0.5 }),
    ],
  };
}

const figure: Figure = {
  id: 'failure-length',
  needs: LR_SETTINGS.flatMap(settingIds),
  caption:
    'How the end states of the $n = 7$ learning-rate sweep develop with training length: at each of 41 snapshots, the ' +
    'fraction of the 100 seeds in each state (stacked), one panel per learning rate, weight decay $10^{-2}$. With a ' +
    'constant learning rate a snapshot is exactly the end state of a shorter run. Each rate is trained for its own ' +
    'length, so the horizontal axes differ. The shaded right quarter is the window in which a run must keep its end ' +
    'state to count as settled (the memorizing states, even, several radii and uneven, count as one end state there, and ' +
    'an excursion shorter than two snapshots is a flicker, not a change).',
  render(runs: RunSet): FigureOutput {
    const measures = lrSweep(runs);
    const present = OUTCOMES.filter((o) => measures.some((m) => m.bySteps.some((s) => s.fractions[o].successes > 0)));
    const width = Math.floor((maxWidth - 2 * 10) / COLUMNS);
    const panels: Panel[] = measures.map((m, k) => ({
      heading: [{ text: `lr ${formatRate(m.setting.lr)}`, weight: 'bold', size: fontSize.label }],
      footer: [{ text: `unsettled: ${m.unsettled} of ${m.runs.length}, flickering ${m.flickering} (by class ${m.unsettledClass})`, size: fontSize.tick }],
      plot: lengthPanel(m, width, k % COLUMNS === 0, present),
    }));
    const rows: Panel[][] = [];
    for (let k = 0; k < panels.length; k += COLUMNS) rows.push(panels.slice(k, k + COLUMNS));
    const svg = renderGrid(
      { rows: [outcomeLegendColumns(width, present, COLUMNS).map((plot) => ({ plot })), ...rows], gap: { x: 10, y: 6 } },
      {
        id: 'failure-length',
        title: 'Fraction of n = 7 seeds in each state against training length, per learning rate',
        desc: measures
          .map(
            (m) =>
              `lr ${formatRate(m.setting.lr)} (${formatInteger(m.setting.steps)} steps): ` +
              [m.bySteps[Math.floor(m.bySteps.length / 4)], m.bySteps[Math.floor(m.bySteps.length / 2)], m.bySteps[m.bySteps.length - 1]]
                .map((s) => `at ${formatInteger(s.step)}: ${present.filter((o) => s.fractions[o].successes > 0).map((o) => `${outcomeLabels[o]} ${s.fractions[o].successes}`).join(', ')}`)
                .join('; ') +
              `; ${m.unsettled} unsettled, ${m.flickering} flickering`,
          )
          .join('. ') + '.',
      },
    );
    const numbers: Record<string, string> = { 'failure-length.snapshots': String(measures[0].bySteps.length) };
    const key = (o: Outcome) => o.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    for (const m of measures) {
      // The state at 50,000 steps, the first sweep's length, where a snapshot falls there.
      const at50k = m.bySteps.find((s) => s.step === 50_000);
      if (at50k) for (const o of OUTCOMES) numbers[`failure-length.${m.key}.at50k.${key(o)}`] = `${at50k.fractions[o].successes} of ${at50k.fractions[o].trials}`;
      const peak = (o: Outcome) => m.bySteps.reduce((a, b) => (b.fractions[o].fraction > a.fractions[o].fraction ? b : a));
      for (const o of ['symmetric-failure', 'small-feature', 'several-radii'] as const) {
        const p = peak(o);
        numbers[`failure-length.${m.key}.peak.${key(o)}`] = `${p.fractions[o].successes} of ${p.fractions[o].trials}`;
        numbers[`failure-length.${m.key}.peakStep.${key(o)}`] = formatInteger(p.step);
      }
      numbers[`failure-length.${m.key}.unsettled`] = String(m.unsettled);
      numbers[`failure-length.${m.key}.unsettledClass`] = String(m.unsettledClass);
    }
    const all = selectRuns(runs, LR_SETTINGS.flatMap(settingIds));
    const provenance = `n = 7 learning-rate sweep, wd ${formatRate(SWEEP_WEIGHT_DECAY)}: ${formatInteger(all.length)} runs #${combinedHash(all)}, ${measures.map((m) => `lr ${formatRate(m.setting.lr)} ${formatInteger(m.setting.steps)} steps`).join(', ')}; 41 snapshots each`;
    return { svg, provenance, numbers };
  },
};

export default figure;
