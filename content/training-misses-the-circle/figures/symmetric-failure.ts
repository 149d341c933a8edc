/**
 * `symmetric-failure` (section 10): the n = 7 baseline run that spends the most snapshots
 * in the symmetric failure (ties to the lower seed), drawn at the last snapshot where it
 * is in that state: feature vectors over the latent plane shaded by how many live outputs
 * fire, the bias of every feature over training, and a histogram of the biases of every
 * symmetric-failure state in the sweep (all runs, all snapshots in that state).
 *
 * Its numbers include the local-minimum test of measurements/failure.ts (failureCurvature):
 * one-sided curvature on the ReLU kink at r² = 2, where trained failures sit, and the
 * Hessian 10 % beyond it.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { FAILURE_LR, FAILURE_STEPS, failureSweepIds } from '../experiments/failure.ts';
import { symmetricFailureLoss } from '../../../pipeline/analysis/outcomes.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatInteger, formatLoss, formatRatio, hash8, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { OFF_KINK, failureCurvature, kinkR2, runsBySymmetricFailureTime } from '../measurements/failure.ts';
import { swatchLegend, sweepProvenance, type LegendItem } from './failure-common.ts';
import { arrangementPanel, zoneLegend } from './arrangement-panel.ts';
import { featureLabel } from './trained-n4.ts';

const N = 7;
const ids = failureSweepIds(N);

const figure: Figure = {
  id: 'symmetric-failure',
  needs: ids,
  caption:
    'The symmetric failure, as training produced it. Of the 100 seeds of the $n = 7$ sweep (learning rate $10^{-3}$), ' +
    'we draw the run that spends the most snapshots in this state, at the last snapshot where it is in it. Left: the ' +
    'feature vectors over the latent plane, shaded by how many of the six live outputs fire there ($W_i^\\top h + b_i > 0$); ' +
    'the dead feature sits at the origin. Middle: every bias over training, sampled at the snapshots; the shaded band ' +
    'marks the snapshots classified as the symmetric failure, dotted lines mark $-1$ and $1/7$. Right: the biases of every ' +
    'symmetric-failure state in the sweep (all runs, all snapshots in that state), one count per feature.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, ids);
    const ranked = runsBySymmetricFailureTime(used);
    if (ranked.length === 0) throw new Error('symmetric-failure: no n = 7 run is in the symmetric failure at any snapshot');
    const pick = ranked[0];
    const failed = pick.snapshots.filter((s) => s.outcome === 'symmetric-failure');
    const state = failed[failed.length - 1];
    const dead = state.deadFeatures;
    const liveR2 = state.radiusLevels.reduce((s, r) => s + r * r, 0) / state.radiusLevels.length;
    const { onKink, offKink } = failureCurvature();
    // Where the run's failure states sit: mean r² of the live features over all its symmetric-failure snapshots.
    const pooledR2 = ranked.flatMap((r) => r.snapshots.filter((s) => s.outcome === 'symmetric-failure').map((s) => s.radiusLevels.reduce((a, x) => a + x * x, 0) / s.radiusLevels.length));
    const sortedR2 = [...pooledR2].sort((a, b) => a - b);

    const size = 300;
    const zones = arrangementPanel(state.W, state.b, N, state, { size, zones: true, extent: 2.4 * Math.sqrt(liveR2) });
    const traces = pick.snapshots.flatMap((s) => Array.from(s.b, (b, i) => ({ step: s.step, b, feature: featureLabel(i), dead: dead.includes(i) })));
    const band = { x1: failed[0].step, x2: failed[failed.length - 1].step };
    const traceRange = [Math.min(-1.2, ...traces.map((t) => t.b)) - 0.1, Math.max(0.4, ...traces.map((t) => t.b)) + 0.1];
    const tracePlot: PlotOptions = {
      width: 300,
      height: size,
      marginTop: 10,
      marginRight: 40,
      marginBottom: 36,
      marginLeft: 40,
      x: { domain: [0, FAILURE_STEPS], label: 'training steps', labelAnchor: 'center', labelOffset: 30, ticks: [0, 25_000, 50_000], tickFormat: (d: number) => `${d / 1000}k` },
      y: { domain: traceRange, label: 'bias bᵢ', labelAnchor: 'center', labelOffset: 32 },
      marks: [
        Plot.rect([band], { x1: 'x1', x2: 'x2', y1: traceRange[0], y2: traceRange[1], fill: colors.accent, fillOpacity: 0.1 }),
        Plot.ruleY([-1, 1 / N], { stroke: colors.muted, strokeDasharray: '2,3' }),
        Plot.text([{ y: -1, t: '−1' }, { y: 1 / N, t: '1/7' }], { x: FAILURE_STEPS, y: 'y', text: 't', textAnchor: 'start', dx: 4, fill: colors.muted, fontSize: fontSize.tick }),
        Plot.line(traces.filter((t) => !t.dead), { x: 'step', y: 'b', z: 'feature', stroke: colors.feature, strokeWidth: 1.2 }),
        Plot.line(traces.filter((t) => t.dead), { x: 'step', y: 'b', z: 'feature', stroke: colors.accent, strokeWidth: 2 }),
        Plot.dot(traces, { x: 'step', y: 'b', r: 1.5, fill: (t: { dead: boolean }) => (t.dead ? colors.accent : colors.feature) }),
      ],
    };
    const pooled = ranked.flatMap((r) => r.snapshots.filter((s) => s.outcome === 'symmetric-failure').flatMap((s) => Array.from(s.b, (b, i) => ({ b, dead: s.deadFeatures.includes(i) ? 'dead' : 'live' }))));
    const histogram: PlotOptions = {
      width: 260,
      height: size,
      marginTop: 10,
      marginRight: 10,
      marginBottom: 36,
      marginLeft: 50,
      x: { label: 'bias bᵢ', labelAnchor: 'center', labelOffset: 30 },
      y: { label: 'count', labelAnchor: 'center', labelOffset: 42, grid: true },
      color: { domain: ['live', 'dead'], range: [colors.feature, colors.accent] },
      marks: [Plot.rectY(pooled, Plot.binX({ y: 'count' }, { x: 'b', fill: 'dead', thresholds: 40 } as never)), Plot.ruleY([0])],
    };
    const zoneItems: LegendItem[] = zoneLegend.slice(0, 4).map((d) => ({ kind: 'rect', color: d.fill, label: `${d.count}${d.count === 3 ? '+' : ''} live output${d.count === 1 ? '' : 's'} on` }));
    const featureItems: LegendItem[] = [
      { kind: 'line', color: colors.feature, label: 'live feature' },
      { kind: 'line', color: colors.accent, label: 'dead feature' },
    ];
    const seed = pick.run.meta.config.seed;
    const deadBias = dead.map((i) => state.b[i]);
    const liveBias = Array.from(state.b).filter((_, i) => !dead.includes(i));
    const meanLiveBias = liveBias.reduce((s, x) => s + x, 0) / liveBias.length;
    const svg = renderGrid(
      {
        rows: [
          [{ plot: swatchLegend(size, zoneItems, 2) }, { plot: swatchLegend(300, featureItems, 2) }, { plot: swatchLegend(260, featureItems, 2) }],
          [
            {
              heading: [{ text: `Seed ${seed} at step ${formatInteger(state.step)}`, weight: 'bold' }],
              footer: [{ text: `loss ${formatLoss(state.loss)} (6/49 = ${formatLoss(symmetricFailureLoss(N))})`, size: fontSize.tick }],
              plot: zones,
            },
            { heading: [{ text: 'Biases over training', weight: 'bold' }], plot: tracePlot },
            { heading: [{ text: `Biases in ${pooled.length / N} failure states`, weight: 'bold' }], plot: histogram },
          ],
        ],
        gap: { x: 14, y: 6 },
      },
      {
        id: 'symmetric-failure',
        title: 'A trained n = 7 model in the symmetric failure: vectors, active zones, bias traces, bias histogram',
        desc:
          `Run ${pick.run.experiment.id} at step ${state.step}: dead feature(s) ${dead.map(featureLabel).join(', ')} with bias ${deadBias.map((x) => formatRatio(x, 3)).join(', ')}; ` +
          `the other features on radius ${state.radiusLevels.map((r) => formatRatio(r)).join(', ')} with mean bias ${formatRatio(meanLiveBias, 3)}; loss ${formatLoss(state.loss)}. ` +
          `The run is in the symmetric failure from step ${band.x1} to ${band.x2} and ends as ${pick.snapshots[pick.snapshots.length - 1].outcome}. ` +
          `Histogram of ${pooled.length} biases from ${pooled.length / N} failure states.`,
      },
    );
    const provenance = [
      sweepProvenance(`n = 7 sweep, lr ${FAILURE_LR.toExponential(0)}`, used),
      `drawn: ${pick.run.experiment.id} #${hash8(pick.run.hash)} at step ${formatInteger(state.step)} (${failed.length} of ${pick.snapshots.length} snapshots in the symmetric failure, the most of any seed)`,
      `curvature: one-sided on the kink (r² = ${formatRatio(onKink.r2, 2)}) and central-difference Hessian at r² = ${formatRatio(OFF_KINK * kinkR2(N), 2)} (measurements/failure.ts)`,
    ].join('; ');
    return {
      svg,
      provenance,
      numbers: {
        'symmetric-failure.seed': String(seed),
        'symmetric-failure.step': formatInteger(state.step),
        'symmetric-failure.firstStep': formatInteger(band.x1),
        'symmetric-failure.lastStep': formatInteger(band.x2),
        'symmetric-failure.loss': formatLoss(state.loss),
        'symmetric-failure.predictedLoss': formatLoss(symmetricFailureLoss(N)),
        'symmetric-failure.deadBias': deadBias.map((x) => formatRatio(x, 3)).join(', '),
        'symmetric-failure.liveBias': formatRatio(meanLiveBias, 2),
        'symmetric-failure.liveRadius2': formatRatio(liveR2, 2),
        'symmetric-failure.states': String(pooled.length / N),
        'symmetric-failure.runsInFailure': String(ranked.length),
        'symmetric-failure.hessianMin': formatRatio(offKink.min, 4),
        'symmetric-failure.hessianNegative': String(offKink.negative),
        'symmetric-failure.hessianR2': formatRatio(OFF_KINK * kinkR2(N), 1),
        'symmetric-failure.hessianW7': formatRatio(offKink.deadBlockMin, 3),
        'symmetric-failure.kinkR2': formatRatio(onKink.r2, 0),
        'symmetric-failure.kinkTerms': String(onKink.kinkTerms),
        'symmetric-failure.kinkCurvature': formatLoss(onKink.minCurvature, 2),
        'symmetric-failure.kinkOpposite': formatRatio(onKink.oppositeCurvature, 2),
        'symmetric-failure.kinkLossChange': formatLoss(onKink.lossChange, 2),
        'symmetric-failure.kinkStep': formatRatio(onKink.step, 1),
        'symmetric-failure.kinkDeadShare': formatRatio(onKink.deadShare, 2),
        'symmetric-failure.kinkGradient': formatLoss(onKink.gradientNorm, 1),
        'symmetric-failure.trainedR2Median': formatRatio(sortedR2[Math.floor(sortedR2.length / 2)], 2),
        'symmetric-failure.trainedR2Range': `${formatRatio(sortedR2[0], 2)}–${formatRatio(sortedR2[sortedR2.length - 1], 2)}`,
      },
    };
  },
};

export default figure;
