/**
 * `features`: the trained feature vectors W₁…W₄ (the columns of W) as arrows from the
 * origin, with the unit circle for reference. Numbers the prose quotes are keyed
 * "features.<name>".
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { formatDegrees, formatInteger, formatLoss, formatRatio, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { renderPlot } from '../../../pipeline/render/render.ts';
import { colors, fontSize, margin } from '../../../pipeline/render/theme.ts';
import { MAIN_RUN } from '../experiments/main.ts';
import { runArrangement } from '../measurements.ts';

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';
const label = (i: number) => `W${String(i + 1).replace(/\d/g, (d) => SUBSCRIPT[Number(d)])}`;

const TICKS = [-1, -0.5, 0, 0.5, 1];

const unitCircle = Array.from({ length: 121 }, (_, k) => ({ x: Math.cos((k * Math.PI) / 60), y: Math.sin((k * Math.PI) / 60) }));

const figure: Figure = {
  id: 'features',
  needs: [MAIN_RUN.id],
  caption:
    'The four feature vectors $W_i$ after training, drawn as arrows from the origin, with the unit circle ' +
    'for reference. The angles between neighbouring features are written between them.',
  render(runs: RunSet): FigureOutput {
    const [run] = selectRuns(runs, [MAIN_RUN.id]);
    const a = runArrangement(run);
    const extent = 1.4 * Math.max(1, ...a.norms);
    const points = a.vectors.map(([x, y], i) => ({ x, y, label: label(i), r: a.norms[i] }));
    const labels = points.map((p) => ({ ...p, x: (p.x * (p.r + 0.18)) / Math.max(p.r, 1e-9), y: (p.y * (p.r + 0.18)) / Math.max(p.r, 1e-9) }));
    const gapLabels = a.order.map((i, k) => {
      const middle = Math.atan2(a.vectors[i][1], a.vectors[i][0]) + (a.gapsDegrees[k] * Math.PI) / 360;
      return { x: 0.45 * Math.cos(middle), y: 0.45 * Math.sin(middle), label: formatDegrees(a.gapsDegrees[k]) };
    });
    const angles = a.gapsDegrees.map((g) => formatDegrees(g)).join(', ');
    const svg = renderPlot(
      {
        // Equal units per pixel on both axes, so angles on screen are the true angles.
        width: 420,
        height: 400,
        marginTop: 24,
        marginRight: margin.left - 4,
        marginBottom: margin.bottom,
        marginLeft: margin.left - 4,
        x: { domain: [-extent, extent], ticks: TICKS, label: null },
        y: { domain: [-extent, extent], ticks: TICKS, label: null },
        style: { fontSize: `${fontSize.tick}px` },
        marks: [
          Plot.ruleX([0], { stroke: colors.grid }),
          Plot.ruleY([0], { stroke: colors.grid }),
          Plot.line(unitCircle, { x: 'x', y: 'y', stroke: colors.muted, strokeDasharray: '3,3' }),
          Plot.arrow(points, { x1: 0, y1: 0, x2: 'x', y2: 'y', stroke: colors.feature, strokeWidth: 2, headLength: 10 }),
          Plot.text(gapLabels, { x: 'x', y: 'y', text: 'label', fill: colors.ink }),
          Plot.text(labels, { x: 'x', y: 'y', text: 'label', fill: colors.feature, fontSize: fontSize.label + 1, fontWeight: 'bold' }),
        ],
      },
      {
        id: 'features',
        title: 'Trained feature vectors',
        desc:
          `The ${points.length} feature vectors of run ${run.experiment.id} as arrows from the origin, lengths ` +
          `${a.norms.map((r) => formatRatio(r)).join(', ')}; angular gaps counter-clockwise from W₁: ${angles}.`,
      },
    );
    return {
      svg,
      provenance: provenanceLine([run]),
      numbers: {
        'features.finalLoss': formatLoss(run.meta.finalLoss),
        'features.steps': formatInteger(run.meta.steps),
        'features.angles': angles,
      },
    };
  },
};

export default figure;
