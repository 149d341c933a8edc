/**
 * `relu`: the graph of ReLU(z) = max(0, z) on [−2, 2]. No runs: the function is
 * piecewise linear, so evaluating it at the ends and at the kink draws it exactly.
 */
import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { renderPlot } from '../../../pipeline/render/render.ts';
import { colors, fontSize, margin } from '../../../pipeline/render/theme.ts';

const relu = (z: number): number => Math.max(0, z);

/** Integer tick labels with a true minus sign. */
const tick = (v: number): string => (v < 0 ? `−${-v}` : String(v));

/** Breakpoints of a piecewise-linear function on [−2, 2]: the line through them is the graph. */
const Z = [-2, 0, 2];

const figure: Figure = {
  id: 'relu',
  needs: [],
  caption:
    'The rectified linear unit, $\\mathrm{ReLU}(z) = \\max(0, z)$: negative inputs are clamped to zero, ' +
    'positive inputs pass through unchanged. The kink at $z = 0$ is the only non-linearity in the model.',
  render() {
    const points = Z.map((z) => ({ z, y: relu(z) }));
    const svg = renderPlot(
      {
        width: 440,
        aspectRatio: 1,
        marginTop: margin.top,
        marginRight: margin.right,
        marginBottom: margin.bottom + 6,
        marginLeft: margin.left + 6,
        x: { domain: [-2, 2], ticks: [-2, -1, 0, 1, 2], tickFormat: tick, label: 'input z', labelAnchor: 'center', labelArrow: 'none' },
        y: { domain: [-0.5, 2], ticks: [0, 1, 2], tickFormat: tick, label: 'ReLU(z)', labelAnchor: 'center', labelArrow: 'none' },
        style: { fontSize: `${fontSize.label}px` },
        marks: [
          Plot.gridX({ ticks: [-2, -1, 1, 2], stroke: colors.grid, strokeOpacity: 1 }),
          Plot.gridY({ ticks: [1, 2], stroke: colors.grid, strokeOpacity: 1 }),
          Plot.ruleX([0], { stroke: colors.muted }),
          Plot.ruleY([0], { stroke: colors.muted }),
          // The identity line, continued below zero, to show what ReLU clamps away.
          Plot.line(
            [
              { z: -0.5, y: -0.5 },
              { z: 0, y: 0 },
            ],
            { x: 'z', y: 'y', stroke: colors.muted, strokeDasharray: '4,4', clip: true },
          ),
          Plot.line(points, { x: 'z', y: 'y', stroke: colors.feature, strokeWidth: 2.5 }),
          Plot.text([{ z: 1.1, y: 1.1 }], {
            x: 'z',
            y: 'y',
            text: () => 'slope 1',
            dx: -8,
            dy: -8,
            textAnchor: 'end',
            fill: colors.feature,
          }),
          Plot.text([{ z: -1, y: 0 }], {
            x: 'z',
            y: 'y',
            text: () => 'zero for z ≤ 0',
            dy: -10,
            fill: colors.feature,
          }),
        ],
      },
      {
        id: 'relu',
        title: 'The ReLU function',
        desc:
          'Graph of ReLU(z) = max(0, z) for z from −2 to 2: a flat line at zero for negative z, ' +
          'then a line of slope 1 through the origin up to (2, 2). A dashed line shows the slope-1 line continued below zero, the part ReLU clamps away.',
      },
    );
    return {
      svg,
      provenance: 'Exact: ReLU(z) = max(0, z) evaluated at z = −2, 0, 2 (piecewise linear); no training runs.',
      numbers: {},
    };
  },
};

export default figure;
