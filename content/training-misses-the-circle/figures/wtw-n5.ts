/**
 * `wtw-n5`: the Gram matrix WᵀW of the n = 5, m = 2, no-bias run drawn in `trained-n5`
 * (the lowest final loss of five seeds). Entry (i, j) = W_i · W_j is what output j receives
 * when the input is e_i, before the ReLU: the diagonal is the correct signal, positive
 * off-diagonal entries are interference that survives the ReLU, negative ones are clipped.
 *
 * Rows and columns are ordered by the features' angle around the origin, so neighbours on
 * the pentagon are neighbours in the matrix. The colour ramp is drawn as marks (jsdom has
 * no canvas for Plot's continuous legends).
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { angularGaps, featureVectors } from '../../../pipeline/analysis/geometry.ts';
import { gram } from '../../../pipeline/analysis/free-dimensions.ts';
import { renderGrid } from '../../../pipeline/render/render.ts';
import { formatLoss, formatRatio, hash8, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { featureLabel } from './trained-n4.ts';
import { N5_SEEDS, bestRun } from '../measurements/free-dimensions.ts';

/** Colour domain: symmetric around 0, so white means "no interference". */
const DOMAIN = 1;
const colorScale = { type: 'linear', scheme: 'RdBu', reverse: true, domain: [-DOMAIN, DOMAIN] } as const;

/** Two decimals with a true minus sign. */
const value = (x: number) => formatRatio(x, 2);

/** Lowest and highest of a list, "a to b" (ranges here may cross zero, so no en dash). */
function span(xs: number[]): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return value(lo) === value(hi) ? value(lo) : `${value(lo)} to ${value(hi)}`;
}

/** Regular pentagon with the loss-optimal common squared length s = 1/(1 + 2 cos²72°) (section 8). */
export const PENTAGON_COS = Math.cos((2 * Math.PI) / 5);
export const PENTAGON_SQUARED_LENGTH = 1 / (1 + 2 * PENTAGON_COS ** 2);

const figure: Figure = {
  id: 'wtw-n5',
  needs: N5_SEEDS,
  caption:
    'The matrix $W^\\top W$ of the five-feature run drawn above (no bias, lowest final loss of five seeds). Entry $(i, j)$ ' +
    'is $W_i \\cdot W_j$, the value output $j$ receives before the ReLU when the input is $e_i$. Rows $i$ and columns $j$ are ' +
    'ordered by the angle of $W_i$ around the origin, so neighbours on the pentagon sit next to each other (the first and ' +
    'last are neighbours too). Red is positive, blue negative. The diagonal is the signal each feature sends to its own ' +
    'output; the red entries just off it are interference from the two neighbouring features, which the ReLU passes on; ' +
    'the blue entries, pairs two steps apart, are clipped to zero.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, N5_SEEDS);
    const best = bestRun(used);
    const n = best.meta.config.data.n;
    const m = best.meta.config.m;
    const G = gram(best.W, m, n);
    const { order } = angularGaps(featureVectors(best.W, m, n), 0);
    const labels = order.map((i) => String(i + 1));
    const cells = order.flatMap((i, r) => order.map((j, c) => ({ row: labels[r], col: labels[c], i, j, v: G[i][j] })));

    const heat = {
      width: 330,
      height: 318,
      marginTop: 34,
      marginRight: 4,
      marginBottom: 8,
      marginLeft: 50,
      x: { domain: labels, axis: 'top' as const, label: 'output j', labelAnchor: 'center' as const, labelArrow: 'none' as const, tickSize: 0 },
      y: { domain: labels, label: 'input eᵢ', labelAnchor: 'center' as const, labelArrow: 'none' as const, tickSize: 0 },
      color: colorScale,
      style: { fontSize: `${fontSize.label}px` },
      marks: [
        Plot.cell(cells, { x: 'col', y: 'row', fill: 'v', inset: 1 }),
        Plot.text(cells, {
          x: 'col',
          y: 'row',
          text: (d: { v: number }) => value(d.v),
          fill: (d: { v: number }) => (Math.abs(d.v) > 0.55 * DOMAIN ? 'white' : colors.ink),
          fontSize: fontSize.label,
        }),
      ],
    };
    // The ramp: thin rects stacked from −DOMAIN to DOMAIN, through the same colour scale.
    const steps = 60;
    const ramp = Array.from({ length: steps }, (_, k) => {
      const y1 = -DOMAIN + (2 * DOMAIN * k) / steps;
      const y2 = -DOMAIN + (2 * DOMAIN * (k + 1)) / steps;
      return { y1, y2, v: (y1 + y2) / 2 };
    });
    const rampPlot = {
      width: 84,
      height: 318,
      marginTop: 34,
      marginRight: 44,
      marginBottom: 8,
      marginLeft: 14,
      x: { domain: [0, 1], axis: null },
      y: { domain: [-DOMAIN, DOMAIN], axis: 'right' as const, ticks: [-1, -0.5, 0, 0.5, 1], tickFormat: (t: number) => value(t), label: null },
      color: colorScale,
      marks: [
        Plot.rect(ramp, { x1: 0, x2: 1, y1: 'y1', y2: 'y2', fill: 'v', stroke: 'v' }),
        Plot.frame({ stroke: colors.muted }),
      ],
    };
    const svg = renderGrid(
      {
        rows: [[{ plot: heat }, { plot: rampPlot, footer: [{ text: 'Wᵢ · Wⱼ', size: fontSize.tick }] }]],
        gap: { x: 4, y: 0 },
        margin: { top: 4, right: 4, bottom: 4, left: 4 },
      },
      {
        id: 'wtw-n5',
        title: 'Heatmap of WᵀW for the trained n = 5, m = 2 run',
        desc:
          `Five by five matrix of inner products W_i · W_j for run ${best.experiment.id} (final loss ${formatLoss(best.meta.finalLoss)}), ` +
          `rows and columns in angular order ${order.map(featureLabel).join(', ')}. ` +
          cells.map((d) => `${featureLabel(d.i)} · ${featureLabel(d.j)} = ${value(d.v)}`).join('; ') +
          '. A colour ramp from blue (−1) through white (0) to red (+1) is drawn to the right.',
      },
    );

    const diagonal = order.map((i) => G[i][i]);
    const off = cells.filter((d) => d.i !== d.j);
    const positive = off.filter((d) => d.v > 0).map((d) => d.v);
    const negative = off.filter((d) => d.v <= 0).map((d) => d.v);
    // Pairs one step apart around the circle (cyclically adjacent in the angular order).
    const neighbour = order.map((i, k) => G[i][order[(k + 1) % n]]);
    const provenance = provenanceLine(used, {
      note: `drawn: ${best.experiment.id} #${hash8(best.hash)} (lowest final loss of ${used.length} seeds, as in trained-n5)`,
    });
    return {
      svg,
      provenance,
      numbers: {
        'wtw-n5.bestSeed': String(best.meta.config.seed),
        'wtw-n5.diagonal': span(diagonal),
        'wtw-n5.neighbour': span(neighbour),
        'wtw-n5.positiveCount': String(positive.length),
        'wtw-n5.offDiagonalCount': String(off.length),
        'wtw-n5.negative': negative.length > 0 ? span(negative) : 'none',
        'wtw-n5.optimalDiagonal': formatRatio(PENTAGON_SQUARED_LENGTH, 3),
        'wtw-n5.optimalNeighbour': formatRatio(PENTAGON_SQUARED_LENGTH * PENTAGON_COS, 3),
        // The loss of the best regular pentagon, 2c²/(1 + 2c²) = 1 − s: the yardstick section 8 compares the runs with.
        'wtw-n5.optimalLoss': formatRatio(1 - PENTAGON_SQUARED_LENGTH, 3),
      },
    };
  },
};

export default figure;
