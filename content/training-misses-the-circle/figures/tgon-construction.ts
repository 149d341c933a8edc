/**
 * `tgon-construction`: the exact T-gon's r² = 1/(1 − cos(2π/T)) and b = −r² cos(2π/T)
 * against every trained run of the tgon sweep (mean squared column norm, mean bias),
 * each marked with its outcome class; a third panel shows, for the runs classified
 * even, how far they are from the construction, against the ±2 % band.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import type { Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { OUTCOMES } from '../../../pipeline/analysis/outcomes.ts';
import { CONSTRUCTION_TOLERANCE, tgonConstruction } from '../../../pipeline/analysis/tgon.ts';
import { renderGrid, type Panel, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatInteger, formatRatio, sweepProvenance } from '../../../pipeline/post/format.ts';
import { colors, fontSize, maxWidth } from '../../../pipeline/render/theme.ts';
import { TGON_IDS, TGON_SEEDS, TGON_T, tgonRunsByT, type TgonRun } from '../measurements/tgons.ts';
import { OUTCOME_STYLE } from './tgon-style.ts';

const GAP = 10;
const PANEL_WIDTH = Math.floor((maxWidth - 8 - 2 * GAP) / 3);
const PANEL_HEIGHT = 270;

/** Seeds of one T are spread over this width around the integer T, so markers do not hide each other. */
const JITTER = 0.5;
const xOf = (r: TgonRun) => r.T + JITTER * ((TGON_SEEDS.indexOf(r.seed) + 0.5) / TGON_SEEDS.length - 0.5);

const symbolDomain = [...OUTCOMES];
const symbolScale = { domain: symbolDomain, range: symbolDomain.map((o) => OUTCOME_STYLE[o].symbol) };
const colorScale = { domain: symbolDomain, range: symbolDomain.map((o) => OUTCOME_STYLE[o].color) };

function formulaCurve(pick: (T: number) => number): { x: number; y: number }[] {
  const first = TGON_T[0];
  const last = TGON_T[TGON_T.length - 1];
  const points: { x: number; y: number }[] = [];
  for (let T = first - 0.4; T <= last + 0.4 + 1e-9; T += 0.05) points.push({ x: T, y: pick(T) });
  return points;
}

/** r² and b of the construction for real-valued T (the curve between the integer points). */
const r2At = (T: number) => 1 / (1 - Math.cos((2 * Math.PI) / T));
const bAt = (T: number) => -r2At(T) * Math.cos((2 * Math.PI) / T);

/** The outcome key drawn in the top-left corner of a panel: marker, then label. */
function outcomeKey(present: Outcome[]): Plot.Markish[] {
  return present.flatMap((outcome, k) => [
    Plot.dot([outcome], {
      frameAnchor: 'top-left',
      dx: 10,
      dy: 10 + 15 * k,
      symbol: () => outcome,
      stroke: () => outcome,
      r: 3.5,
      strokeWidth: 1.5,
    }),
    Plot.text([OUTCOME_STYLE[outcome].label], { frameAnchor: 'top-left', dx: 19, dy: 10 + 15 * k, textAnchor: 'start', fontSize: fontSize.tick }),
  ]);
}

function valuePanel(runs: TgonRun[], value: (r: TgonRun) => number, formula: (T: number) => number, label: string, present: Outcome[], key: boolean): PlotOptions {
  return {
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    marginLeft: 40,
    marginRight: 8,
    x: { label: 'T', ticks: TGON_T, tickFormat: (d: number) => String(d), domain: [TGON_T[0] - 0.6, TGON_T[TGON_T.length - 1] + 0.6] },
    y: { label, grid: true, nice: true },
    symbol: symbolScale,
    color: colorScale,
    marks: [
      Plot.ruleY([0], { stroke: colors.muted }),
      Plot.line(formulaCurve(formula), { x: 'x', y: 'y', stroke: colors.ink, strokeWidth: 1.25 }),
      Plot.dot(
        runs,
        { x: xOf, y: value, symbol: (r: TgonRun) => r.classification.outcome, stroke: (r: TgonRun) => r.classification.outcome, r: 2.6, strokeWidth: 1.1 },
      ),
      Plot.dot(
        TGON_T.map((T) => ({ T, y: formula(T) })),
        { x: 'T', y: 'y', fill: 'white', stroke: colors.ink, r: 3.2, strokeWidth: 1.25 },
      ),
      ...(key ? outcomeKey(present) : []),
    ],
  };
}

function deviationPanel(even: TgonRun[]): PlotOptions {
  const band = 100 * CONSTRUCTION_TOLERANCE;
  const rows = even.flatMap((r) => [
    { x: xOf(r) - 0.08, y: 100 * r.comparison.r2Deviation, which: 'r²' },
    { x: xOf(r) + 0.08, y: 100 * r.comparison.bDeviation, which: 'b' },
  ]);
  const extent = Math.max(band * 1.5, ...rows.map((d) => Math.abs(d.y)));
  return {
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    marginLeft: 40,
    marginRight: 8,
    x: { label: 'T', ticks: TGON_T, tickFormat: (d: number) => String(d), domain: [TGON_T[0] - 0.6, TGON_T[TGON_T.length - 1] + 0.6] },
    y: { label: 'deviation from the construction (%)', grid: true, domain: [-extent, extent] },
    color: { domain: ['r²', 'b'], range: [colors.feature, colors.hidden] },
    marks: [
      Plot.rectY([0], { x1: TGON_T[0] - 0.6, x2: TGON_T[TGON_T.length - 1] + 0.6, y1: -band, y2: band, fill: colors.grid, fillOpacity: 0.8 }),
      Plot.ruleY([0], { stroke: colors.muted }),
      Plot.dot(rows, { x: 'x', y: 'y', fill: 'which', r: 2.2 }),
      Plot.dot(['r²'], { frameAnchor: 'top-right', dx: -8, dy: 10, fill: () => 'r²', r: 3 }),
      Plot.text(['r²: trained / formula − 1'], { frameAnchor: 'top-right', dx: -16, dy: 10, textAnchor: 'end', fontSize: fontSize.tick }),
      Plot.dot(['b'], { frameAnchor: 'top-right', dx: -8, dy: 25, fill: () => 'b', r: 3 }),
      Plot.text(['b: (trained − formula) / formula r²'], { frameAnchor: 'top-right', dx: -16, dy: 25, textAnchor: 'end', fontSize: fontSize.tick }),
      Plot.text([`grey band: ±${band}%`], { frameAnchor: 'bottom-right', dx: -6, dy: -6, textAnchor: 'end', fontSize: fontSize.tick, fill: colors.muted }),
    ],
  };
}

const pct = (x: number) => `${formatRatio(100 * x, 2)}%`;

const figure: Figure = {
  id: 'tgon-construction',
  needs: TGON_IDS,
  caption:
    'The exact $T$-gon against training. Left and middle: the construction\u2019s $r^2 = 1/(1 - \\cos(2\\pi/T))$ and ' +
    '$b = -r^2\\cos(2\\pi/T)$ (black curve, open circles at integer $T$) and, for every run of the sweep ' +
    '($\\operatorname{identity}(T)$, $m = 2$, with bias, twenty seeds per $T$, spread sideways around their $T$), the ' +
    'mean squared column norm and the mean bias, marked by the run\u2019s outcome class. Right: for the runs classified ' +
    'even only, the deviation of the mean $r^2$ (relative) and of the mean $b$ (in units of the construction\u2019s ' +
    '$r^2$, since $b$ crosses zero at $T = 4$) from the construction; the grey band is the $\\pm 2\\%$ agreement asked of ' +
    'them. Runs of the other classes memorize differently or not at all, so their means are not expected on the curve.',
  render(runs: RunSet): FigureOutput {
    const byT = tgonRunsByT(runs);
    const all = [...byT.values()].flat();
    const even = all.filter((r) => r.classification.outcome === 'even');
    const present = OUTCOMES.filter((o) => all.some((r) => r.classification.outcome === o));
    const panels: Panel[] = [
      { heading: [{ text: 'squared radius r²', weight: 'bold' }], plot: valuePanel(all, (r) => r.comparison.trainedR2, r2At, 'r² (mean ‖Wᵢ‖²)', present, true) },
      { heading: [{ text: 'bias b', weight: 'bold' }], plot: valuePanel(all, (r) => r.comparison.trainedB, bAt, 'b (mean bᵢ)', present, false) },
      { heading: [{ text: 'even runs vs the formula', weight: 'bold' }], plot: deviationPanel(even) },
    ];
    const counts = (list: TgonRun[]) =>
      OUTCOMES.map((o) => [o, list.filter((r) => r.classification.outcome === o).length] as const).filter(([, k]) => k > 0);
    const countText = (list: TgonRun[]) => counts(list).map(([o, k]) => `${OUTCOME_STYLE[o].label} ${k}`).join(', ');
    const perT = TGON_T.map((T) => `T = ${T}: ${countText(byT.get(T) ?? [])}`).join('; ');
    const maxR2 = Math.max(0, ...even.map((r) => Math.abs(r.comparison.r2Deviation)));
    const maxB = Math.max(0, ...even.map((r) => Math.abs(r.comparison.bDeviation)));
    const agreeing = even.filter((r) => r.agrees).length;
    const svg = renderGrid(
      { rows: [panels], gap: { x: GAP, y: 0 }, margin: { top: 2, right: 4, bottom: 4, left: 4 } },
      {
        id: 'tgon-construction',
        title: 'The exact T-gon construction against trained runs, T = 3 to 12',
        desc:
          `Three panels against T from ${TGON_T[0]} to ${TGON_T[TGON_T.length - 1]}. Left: the construction's squared radius, ` +
          `and each trained run's mean squared column norm. Middle: the construction's bias and each run's mean bias. ` +
          `Marker shape and colour give the run's outcome class. Outcomes per T: ${perT}. Right: for the ${even.length} ` +
          `runs classified even, the deviation from the construction; the largest is ${pct(maxR2)} for r² and ${pct(maxB)} ` +
          `for b; ${agreeing} of ${even.length} are within ±${100 * CONSTRUCTION_TOLERANCE}%.`,
      },
    );
    const first = all[0].run.meta.config;
    const largestEvenT = Math.max(0, ...even.map((r) => r.T));
    // The largest T up to which every seed of every T is even.
    let allEvenUpTo = 0;
    for (const T of TGON_T) {
      if ((byT.get(T) ?? []).every((r) => r.classification.outcome === 'even')) allEvenUpTo = T;
      else break;
    }
    const hexagon = tgonConstruction(6);
    return {
      svg,
      provenance: `${sweepProvenance('tgon sweep', all.map((r) => r.run))} · outcomes: ${countText(all)}`,
      numbers: {
        'tgon-construction.runCount': formatInteger(all.length),
        'tgon-construction.seedsPerT': String(TGON_SEEDS.length),
        'tgon-construction.steps': formatInteger(all[0].run.meta.steps),
        'tgon-construction.peakLr': String(first.schedule.kind === 'warmup-cosine' ? first.schedule.peakLr : first.schedule.lr),
        'tgon-construction.warmupSteps': formatInteger(first.schedule.kind === 'warmup-cosine' ? first.schedule.warmupSteps : 0),
        'tgon-construction.weightDecay': String(first.weightDecay),
        'tgon-construction.evenCount': formatInteger(even.length),
        'tgon-construction.agreeCount': formatInteger(agreeing),
        'tgon-construction.maxR2Deviation': pct(maxR2),
        'tgon-construction.maxBDeviation': pct(maxB),
        'tgon-construction.largestEvenT': String(largestEvenT),
        'tgon-construction.symmetricFailureCount': String(all.filter((r) => r.classification.outcome === 'symmetric-failure').length),
        'tgon-construction.severalRadiiCount': String(all.filter((r) => r.classification.outcome === 'several-radii').length),
        'tgon-construction.otherCount': String(all.filter((r) => r.classification.outcome === 'other').length),
        'tgon-construction.unevenCount': String(all.filter((r) => r.classification.outcome === 'uneven').length),
        'tgon-construction.smallFeatureCount': String(all.filter((r) => r.classification.outcome === 'small-feature').length),
        'tgon-construction.switchedOffCount': String(all.filter((r) => r.classification.outcome === 'switched-off').length),
        'tgon-construction.tolerance': `${formatRatio(100 * CONSTRUCTION_TOLERANCE, 0)}%`,
        'tgon-construction.allEvenUpToT': String(allEvenUpTo),
        'tgon-construction.evenByT': TGON_T.map((T) => `${(byT.get(T) ?? []).filter((r) => r.classification.outcome === 'even').length}`).join(', '),
        'tgon-construction.hexagonR2': formatRatio(hexagon.r2, 3),
        'tgon-construction.hexagonB': formatRatio(hexagon.b, 3),
        'tgon-construction.r2T12': formatRatio(tgonConstruction(12).r2, 2),
        'tgon-construction.bT12': formatRatio(tgonConstruction(12).b, 2),
      },
    };
  },
};

export default figure;
