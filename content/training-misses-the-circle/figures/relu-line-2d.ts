/**
 * `relu-line-2d`: n = 2 features, m = 1 latent dimension, no bias, W = [1, −1]
 * (W₁ = 1, W₂ = −1). The decoder sends a latent value h to Wᵀh = (h, −h), a line
 * through the (+, −) and (−, +) quadrants; ReLU then snaps every point of that line onto
 * one of the two axes. Exact: evenly spaced latent values, no runs.
 */
import * as Plot from '@observablehq/plot';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { identityLoss } from '../../../pipeline/analysis/geometry.ts';
import { renderPlot } from '../../../pipeline/render/render.ts';
import { formatLoss } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';

/** The stated weights: one row, two columns. */
export const LINE_W = [1, -1] as const;
/** Latent values drawn: −1.4, −1.2, …, 1.4. */
export const LATENT_VALUES = Array.from({ length: 15 }, (_, k) => Math.round((k - 7) * 0.2 * 10) / 10);

const E = 1.7;

function signed(t: number): string {
  return t < 0 ? `−${-t}` : String(t);
}

const figure: Figure = {
  id: 'relu-line-2d',
  needs: [],
  caption:
    'Two features through one latent dimension, with $W = [1, -1]$ and no bias. Decoding a latent value $h$ gives ' +
    '$W^\\top h = (h, -h)$, a point on the grey line through the quadrants where exactly one coordinate is positive. ' +
    'ReLU then drops each point straight onto an axis (thin arrows): positive $h$ lands on the first axis, negative $h$ on ' +
    'the second. The two one-hot inputs go to $h = 1$ and $h = -1$ and come back exactly ($e_1$ and $e_2$ marked), so one ' +
    'latent number carries two features.',
  render() {
    const [w1, w2] = LINE_W;
    const points = LATENT_VALUES.map((h) => {
      const x = w1 * h;
      const y = w2 * h;
      return { h, x, y, rx: Math.max(0, x), ry: Math.max(0, y), side: h > 0 ? 1 : h < 0 ? 2 : 0 };
    });
    const color = (side: number): string => (side === 1 ? colors.feature : side === 2 ? colors.hidden : colors.ink);
    const moved = points.filter((p) => p.x !== p.rx || p.y !== p.ry);
    const loss = identityLoss(Float64Array.from(LINE_W), new Float64Array(2), 1, 2);
    const inputs = [
      { x: w1 * w1, y: w2 * w1, label: 'e₁: h = 1' },
      { x: w1 * w2, y: w2 * w2, label: 'e₂: h = −1' },
    ];
    const svg = renderPlot(
      {
        width: 440,
        height: 440,
        marginTop: 10,
        marginRight: 14,
        marginBottom: 34,
        marginLeft: 40,
        x: { domain: [-E, E], ticks: [-1, 0, 1], tickFormat: signed, label: 'output coordinate 1', labelAnchor: 'center', labelArrow: 'none' },
        y: { domain: [-E, E], ticks: [-1, 0, 1], tickFormat: signed, label: 'output coordinate 2', labelAnchor: 'center', labelArrow: 'none' },
        style: { fontSize: `${fontSize.tick}px` },
        marks: [
          Plot.ruleX([0], { stroke: colors.muted }),
          Plot.ruleY([0], { stroke: colors.muted }),
          Plot.line([{ x: -E, y: E }, { x: E, y: -E }], { x: 'x', y: 'y', stroke: colors.muted, strokeWidth: 6, strokeOpacity: 0.35 }),
          Plot.arrow(moved, { x1: 'x', y1: 'y', x2: 'rx', y2: 'ry', stroke: (d: { side: number }) => color(d.side), strokeWidth: 0.9, strokeOpacity: 0.6, headLength: 5, insetEnd: 3 }),
          Plot.dot(points, { x: 'x', y: 'y', r: 3.5, fill: 'white', stroke: (d: { side: number }) => color(d.side) }),
          Plot.dot(points, { x: 'rx', y: 'ry', r: 3.5, fill: (d: { side: number }) => color(d.side) }),
          Plot.text(inputs.slice(0, 1), { x: 'x', y: 'y', text: 'label', dx: 10, textAnchor: 'start', fontSize: fontSize.tick }),
          Plot.text(inputs.slice(1), { x: 'x', y: 'y', text: 'label', dx: -4, dy: 14, textAnchor: 'end', fontSize: fontSize.tick }),
          Plot.text(
            [{ x: 1, y: 0, t: 'e₁' }, { x: 0, y: 1, t: 'e₂' }],
            { x: 'x', y: 'y', text: 't', dx: 10, dy: -10, fontSize: fontSize.label + 2, fontWeight: 'bold' },
          ),
          Plot.dot([{ x: 1, y: 0 }, { x: 0, y: 1 }], { x: 'x', y: 'y', r: 7, stroke: colors.ink, strokeWidth: 1.5 }),
          Plot.text([{ x: -1.6, y: -0.6 }], { x: 'x', y: 'y', text: () => 'grey line: Wᵀh = (h, −h)', textAnchor: 'start', fill: colors.ink, fontSize: fontSize.tick }),
        ],
      },
      {
        id: 'relu-line-2d',
        title: 'A one-dimensional latent space decoded onto two axes by ReLU',
        desc:
          `Open circles: the decoded points (h, −h) for ${points.length} latent values h from ${signed(LATENT_VALUES[0])} to ` +
          `${LATENT_VALUES[LATENT_VALUES.length - 1]}, on the line through the second and fourth quadrants. Filled circles: the same ` +
          'points after ReLU, on the positive first axis for h > 0 and on the positive second axis for h < 0, joined to them by ' +
          `arrows. The inputs e₁ and e₂ map to h = 1 and h = −1 and are reconstructed exactly (loss ${formatLoss(loss)}).`,
      },
    );
    return {
      svg,
      provenance: `Exact geometry: W = [1, −1], no bias, latent values −1.4 to 1.4 in steps of 0.2; loss on identity(2) computed exactly: ${formatLoss(loss)}; no training runs.`,
      numbers: { 'relu-line-2d.loss': formatLoss(loss) },
    };
  },
};

export default figure;
