/**
 * `loss-vs-angle`: the exact loss of two unit feature vectors at angle θ, identity(2),
 * no bias: L(θ) = ReLU(cos θ)² (derivation in analysis/free-dimensions.ts, twoFeatureLoss).
 * No runs. The region where L is convex (θ ≥ 45°) is shaded; that is what makes the even
 * spacing of section 8 the best arrangement among unit-length ones.
 */
import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { renderPlot } from '../../../pipeline/render/render.ts';
import { formatDegrees, formatLoss, formatRatio } from '../../../pipeline/post/format.ts';
import { TWO_FEATURE_INFLECTION, twoFeatureLoss } from '../../../pipeline/analysis/free-dimensions.ts';
import { colors, fontSize, margin } from '../../../pipeline/render/theme.ts';

const DEG = Math.PI / 180;
/** Sample spacing in degrees: the curve is smooth, so 0.5° is far below what the eye resolves. */
const STEP = 0.5;
const PENTAGON = 72;

const figure: Figure = {
  id: 'loss-vs-angle',
  needs: [],
  caption:
    'The loss of two unit-length features at angle $\\theta$, no bias, on the two one-hot examples: each example ' +
    'reproduces its own coordinate exactly and leaks $\\cos\\theta$ into the other output while that is positive, so ' +
    '$L(\\theta) = \\mathrm{ReLU}(\\cos\\theta)^2$. Below $45°$ the curve is concave; from $45°$ on (shaded) it is convex, ' +
    'flattening to exactly zero at $90°$ with no kink (both one-sided slopes are zero there). The dot marks $72°$, ' +
    'the angle between neighbours in a regular pentagon.',
  render() {
    const curve = Array.from({ length: 180 / STEP + 1 }, (_, k) => {
      const deg = k * STEP;
      return { deg, loss: twoFeatureLoss(deg * DEG) };
    });
    const inflectionDeg = TWO_FEATURE_INFLECTION / DEG;
    const inflectionLoss = twoFeatureLoss(TWO_FEATURE_INFLECTION);
    const pentagonLoss = twoFeatureLoss(PENTAGON * DEG);
    const svg = renderPlot(
      {
        width: 640,
        height: 300,
        marginTop: margin.top + 8,
        marginRight: margin.right + 8,
        marginBottom: margin.bottom + 6,
        marginLeft: margin.left + 6,
        x: {
          domain: [0, 180],
          ticks: [0, 45, 72, 90, 135, 180],
          tickFormat: (d: number) => `${d}°`,
          label: 'angle θ between the two features',
          labelAnchor: 'center',
          labelArrow: 'none',
        },
        y: { domain: [0, 1.05], ticks: [0, 0.25, 0.5, 0.75, 1], tickFormat: (d: number) => String(d), label: 'loss L(θ)', labelAnchor: 'center', labelArrow: 'none' },
        style: { fontSize: `${fontSize.label}px` },
        marks: [
          Plot.rect([{ x1: inflectionDeg, x2: 180 }], { x1: 'x1', x2: 'x2', y1: 0, y2: 1.05, fill: colors.feature, fillOpacity: 0.08 }),
          Plot.text([{ x: (inflectionDeg + 180) / 2, y: 0.93 }], {
            x: 'x',
            y: 'y',
            text: () => 'convex (θ ≥ 45°)',
            fill: colors.feature,
            fontSize: fontSize.label,
          }),
          Plot.text([{ x: inflectionDeg / 2, y: 0.45 }], { x: 'x', y: 'y', text: () => 'concave', fill: colors.muted, fontSize: fontSize.label }),
          Plot.gridY([0.25, 0.5, 0.75, 1], { stroke: colors.grid, strokeOpacity: 1 }),
          Plot.ruleY([0], { stroke: colors.muted }),
          Plot.ruleX([90], { stroke: colors.muted, strokeDasharray: '3,3' }),
          Plot.text([{ x: 90, y: 0.3 }], { x: 'x', y: 'y', text: () => 'zero loss from 90° on', dx: 6, textAnchor: 'start', fill: colors.ink, fontSize: fontSize.tick }),
          Plot.line(curve, { x: 'deg', y: 'loss', stroke: colors.feature, strokeWidth: 2.5 }),
          Plot.dot([{ x: inflectionDeg, y: inflectionLoss }], { x: 'x', y: 'y', r: 4.5, fill: 'white', stroke: colors.ink, strokeWidth: 1.5 }),
          Plot.text([{ x: inflectionDeg, y: inflectionLoss }], {
            x: 'x',
            y: 'y',
            text: () => `inflection: 45°, L = ${formatRatio(inflectionLoss)}`,
            dx: 9,
            dy: -9,
            textAnchor: 'start',
            fill: colors.ink,
            fontSize: fontSize.tick,
          }),
          Plot.dot([{ x: PENTAGON, y: pentagonLoss }], { x: 'x', y: 'y', r: 4.5, fill: colors.hidden }),
          Plot.text([{ x: PENTAGON, y: pentagonLoss }], {
            x: 'x',
            y: 'y',
            text: () => `pentagon neighbours: L(72°) = ${formatLoss(pentagonLoss)}`,
            dx: 9,
            dy: -10,
            textAnchor: 'start',
            fill: colors.hidden,
            fontSize: fontSize.tick,
          }),
        ],
      },
      {
        id: 'loss-vs-angle',
        title: 'Loss of two unit features as a function of the angle between them',
        desc:
          'The curve L(θ) = ReLU(cos θ)² for θ from 0° to 180°: it starts at 1 for θ = 0, falls to 0.5 at 45° (an inflection point, marked), ' +
          'reaches zero at 90° with zero slope and stays zero up to 180°. The region from 45° to 180°, where the curve is convex, is shaded. ' +
          `A dot marks θ = 72° (neighbours in a regular pentagon), where L = ${formatLoss(pentagonLoss)}.`,
      },
    );
    return {
      svg,
      provenance: `Exact: L(θ) = ReLU(cos θ)² evaluated every ${STEP}° from 0° to 180°; inflection at 45° from L''(θ) = −2 cos 2θ; no training runs.`,
      numbers: {
        'loss-vs-angle.inflection': formatDegrees(inflectionDeg, 0),
        'loss-vs-angle.inflectionLoss': formatRatio(inflectionLoss),
        'loss-vs-angle.at72': formatLoss(pentagonLoss),
        'loss-vs-angle.unitPentagonLoss': formatLoss(2 * pentagonLoss),
      },
    };
  },
};

export default figure;
