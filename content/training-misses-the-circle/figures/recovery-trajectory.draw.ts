/**
 * Draws `recovery-trajectory` at one snapshot: this module runs at build time (jsdom) and
 * in the reader's browser, so it imports only Plot, the compositor and browser-safe
 * helpers, and reads nothing but the data the pipeline exported (recovery-trajectory.ts).
 */
import * as Plot from '@observablehq/plot';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/compose.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import type { ControlValues } from '../../../pipeline/post/explorable.ts';
import { arrangementPanel } from './arrangement-panel.ts';

/** One stored snapshot, with its numbers already formatted by the pipeline. */
export interface TrajectorySnapshot {
  step: number;
  stepLabel: string;
  W: number[];
  b: number[];
  loss: number;
  lossLabel: string;
  outcomeLabel: string;
  /** The outcome's colour (failure-common.ts), for the loss dots. */
  color: string;
  /** The outcome label's colour: the outcome's, or ink for "other" (its grey is too light for text). */
  labelColor: string;
  radiusLevels: number[];
  deadFeatures: number[];
  biasLabels: string[];
}

export interface TrajectoryData {
  n: number;
  run: string;
  totalSteps: number;
  /** Half-width of the arrangement panel, the same at every snapshot so motion reads as motion. */
  extent: number;
  snapshots: TrajectorySnapshot[];
}

const PANEL = 260;

function lossPlot(data: TrajectoryData, current: TrajectorySnapshot): PlotOptions {
  const rows = data.snapshots.map((s) => ({ step: s.step, loss: Math.max(s.loss, 1e-12), color: s.color }));
  const here = { step: current.step, loss: Math.max(current.loss, 1e-12) };
  return {
    width: 300,
    height: PANEL,
    marginTop: 10,
    marginRight: 16,
    marginBottom: 36,
    marginLeft: 54,
    x: { domain: [0, data.totalSteps], label: 'training steps', labelAnchor: 'center', labelOffset: 30, tickFormat: (d: number) => `${d / 1000}k` },
    y: { type: 'log', label: null, grid: true, tickFormat: (d: number) => d.toExponential(0).replace('e-', 'e−') },
    marks: [
      Plot.ruleX([here], { x: 'step', stroke: colors.muted, strokeDasharray: '3,3' }),
      Plot.line(rows, { x: 'step', y: 'loss', stroke: colors.muted }),
      Plot.dot(rows, { x: 'step', y: 'loss', fill: 'color', r: 3.5, stroke: colors.ink, strokeWidth: 0.4 }),
      Plot.dot([here], { x: 'step', y: 'loss', r: 7, stroke: colors.ink, strokeWidth: 1.5, fill: 'none' }),
    ],
  };
}

export default function draw(data: TrajectoryData, values: ControlValues): string {
  const current = data.snapshots.find((s) => s.step === values.step);
  if (!current) throw new Error(`recovery-trajectory: no snapshot at step ${String(values.step)}`);
  const k = data.snapshots.indexOf(current);
  return renderGrid(
    {
      rows: [
        [
          {
            heading: [{ text: `step ${current.stepLabel} (snapshot ${k + 1} of ${data.snapshots.length})`, weight: 'bold', size: fontSize.label }],
            footer: [
              { text: current.outcomeLabel, size: fontSize.tick, weight: 'bold', fill: current.labelColor },
              { text: `loss ${current.lossLabel}`, size: fontSize.tick },
            ],
            plot: arrangementPanel(current.W, current.b, data.n, current, { size: PANEL, extent: data.extent }),
          },
          {
            heading: [{ text: 'loss at every snapshot', weight: 'bold', size: fontSize.label }],
            footer: [{ text: `b = ${current.biasLabels.join(', ')}`, size: fontSize.tick }],
            plot: lossPlot(data, current),
          },
        ],
      ],
      gap: { x: 12, y: 8 },
    },
    {
      id: 'recovery-trajectory',
      title: `Run ${data.run} at step ${current.stepLabel}: ${current.outcomeLabel}`,
      desc:
        `Snapshot ${k + 1} of ${data.snapshots.length}, step ${current.stepLabel} of run ${data.run}: ${current.outcomeLabel}, loss ${current.lossLabel}. ` +
        `Left: the ${data.n} feature vectors${current.deadFeatures.length > 0 ? ` (${current.deadFeatures.length} dead, drawn as rings at the origin)` : ''}, ` +
        `with dashed circles at the ${current.radiusLevels.length} radius level${current.radiusLevels.length === 1 ? '' : 's'} of the live features. ` +
        `Biases: ${current.biasLabels.join(', ')}. Right: the loss at every stored snapshot on a log scale, coloured by outcome, this snapshot ringed.`,
    },
  );
}
