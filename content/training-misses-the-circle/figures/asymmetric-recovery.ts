/**
 * `asymmetric-recovery` (section 10): a run that escapes the symmetric failure. Rule: among
 * the n = 7 baseline runs that are in the symmetric failure at some snapshot and end with
 * every feature live at zero loss (even or several radii), the one with the most snapshots
 * in the failure (ties to the lower seed). Drawn at (up to) six snapshots: the start, the first and
 * last failure snapshots, the first snapshot after it, the middle of the rest, and the end;
 * plus the loss at every snapshot, coloured by outcome.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { FAILURE_STEPS, failureSweepIds } from '../experiments/failure.ts';
import { wilson } from '../../../pipeline/analysis/stats.ts';
import { renderGrid, type Panel, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatInteger, formatLoss, hash8, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { escapes, finalClassification, formatProportion, runsBySymmetricFailureTime } from '../measurements/failure.ts';
import { outcomeColors, outcomeLabels, outcomeLegend, sweepProvenance } from './failure-common.ts';
import { arrangementPanel } from './arrangement-panel.ts';

const N = 7;
const ids = failureSweepIds(N);

const figure: Figure = {
  id: 'asymmetric-recovery',
  needs: ids,
  caption:
    'Escaping the symmetric failure. Among the $n = 7$ runs (100 seeds, learning rate $10^{-3}$) that are in the symmetric ' +
    'failure at some snapshot and end with all seven features live at zero loss, we draw the one that stays in the failure ' +
    'longest, at six of its snapshots (read row by row) and its loss at every snapshot (top right, coloured by outcome). Dashed circles mark ' +
    'the distinct radii of the live features; the ring at the origin is a dead feature.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, ids);
    const through = runsBySymmetricFailureTime(used);
    const finals = new Map(through.map((r) => [r.run, finalClassification(r.run).outcome]));
    const escaped = through.filter((r) => escapes(finals.get(r.run)!));
    const escapeRate = wilson(escaped.length, through.length);
    const numbers: Record<string, string> = {
      'asymmetric-recovery.seeds': String(used.length),
      'asymmetric-recovery.throughFailure': String(through.length),
      'asymmetric-recovery.escaped': String(escaped.length),
      'asymmetric-recovery.escapeRate': formatProportion(escapeRate),
    };
    if (escaped.length === 0) throw new Error('asymmetric-recovery: no n = 7 run escapes the symmetric failure; the figure needs a different rule or more seeds');
    const pick = escaped[0];
    const snaps = pick.snapshots;
    const failIdx = snaps.map((s, k) => (s.outcome === 'symmetric-failure' ? k : -1)).filter((k) => k >= 0);
    const first = failIdx[0];
    const last = failIdx[failIdx.length - 1];
    const after = Math.min(last + 1, snaps.length - 1);
    const chosen = [...new Set([0, first, last, after, Math.round((after + snaps.length - 1) / 2), snaps.length - 1])].sort((a, b) => a - b);
    const extent = 1.2 * Math.max(...chosen.flatMap((k) => snaps[k].radiusLevels), 1);
    const size = 170;
    const panels: Panel[] = chosen.map((k) => ({
      heading: [{ text: `step ${formatInteger(snaps[k].step)}`, weight: 'bold', size: fontSize.label }],
      footer: [
        { text: outcomeLabels[snaps[k].outcome], size: fontSize.tick, fill: snaps[k].outcome === 'other' ? colors.ink : outcomeColors[snaps[k].outcome] },
        { text: `loss ${formatLoss(snaps[k].loss)}`, size: fontSize.tick },
      ],
      plot: arrangementPanel(snaps[k].W, snaps[k].b, N, snaps[k], { size, extent, labels: false }),
    }));
    const lossRows = snaps.map((s) => ({ step: s.step, loss: Math.max(s.loss, 1e-12), color: outcomeColors[s.outcome] }));
    const lossPlot: PlotOptions = {
      width: 270,
      height: size,
      marginTop: 10,
      marginRight: 16,
      marginBottom: 36,
      marginLeft: 54,
      x: { domain: [0, FAILURE_STEPS], label: 'training steps', labelAnchor: 'center', labelOffset: 30, tickFormat: (d: number) => `${d / 1000}k` },
      y: { type: 'log', label: null, grid: true, tickFormat: (d: number) => d.toExponential(0).replace('e-', 'e−') },
      marks: [
        Plot.line(lossRows, { x: 'step', y: 'loss', stroke: colors.muted }),
        Plot.dot(lossRows, { x: 'step', y: 'loss', fill: 'color', r: 3.5, stroke: colors.ink, strokeWidth: 0.4 }),
      ],
    };
    const legend = outcomeLegend(270, ['even', 'symmetric-failure', 'several-radii', 'other'], 2);
    const svg = renderGrid(
      {
        // Two rows of three snapshots; the loss and the legend take the fourth column.
        rows: [
          [...panels.slice(0, 3), { heading: [{ text: 'loss at every snapshot', weight: 'bold', size: fontSize.label }], plot: lossPlot }],
          [...panels.slice(3, 6), { heading: [{ text: ' ', size: fontSize.label }], plot: legend }],
        ],
        gap: { x: 8, y: 8 },
      },
      {
        id: 'asymmetric-recovery',
        title: 'An n = 7 run that escapes the symmetric failure, at six snapshots, and its loss',
        desc:
          `Run ${pick.run.experiment.id}: ` +
          chosen.map((k) => `step ${snaps[k].step}: ${outcomeLabels[snaps[k].outcome]}, loss ${formatLoss(snaps[k].loss)}, radii ${snaps[k].radiusLevels.map((r) => r.toFixed(2)).join(', ')}`).join('; ') +
          `. ${escaped.length} of ${through.length} runs that pass through the symmetric failure end with every feature live at zero loss.`,
      },
    );
    Object.assign(numbers, {
      'asymmetric-recovery.seed': String(pick.run.meta.config.seed),
      'asymmetric-recovery.failFrom': formatInteger(snaps[first].step),
      'asymmetric-recovery.failTo': formatInteger(snaps[last].step),
      'asymmetric-recovery.escapedBy': formatInteger(snaps[after].step),
      'asymmetric-recovery.finalOutcome': outcomeLabels[snaps[snaps.length - 1].outcome],
      'asymmetric-recovery.finalRadii': String(snaps[snaps.length - 1].radiusLevels.length),
      'asymmetric-recovery.escapedEven': String(escaped.filter((r) => finals.get(r.run) === 'even').length),
      'asymmetric-recovery.escapedSeveralRadii': String(escaped.filter((r) => finals.get(r.run) === 'several-radii').length),
    });
    const provenance = [
      sweepProvenance('n = 7 sweep, lr 10⁻³', used),
      `drawn: ${pick.run.experiment.id} #${hash8(pick.run.hash)} (${failIdx.length} snapshots in the symmetric failure; ${through.length} runs pass through it, ${escaped.length} escape)`,
    ].join('; ');
    return { svg, provenance, numbers };
  },
};

export default figure;
