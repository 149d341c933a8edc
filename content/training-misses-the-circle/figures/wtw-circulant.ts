/**
 * `wtw-circulant`: the matrix of pre-activations WᵀW + b (entry [j, k] = W_jᵀW_k + b_j,
 * output j on input e_k) for the evenly spaced hexagon: once from the exact construction
 * (r² = 2, b = −1) and once from the trained T = 6 run that `shownRun` picks. The matrix
 * is circulant (each row is the previous one shifted by one), and only its diagonal is
 * positive, so the ReLU passes exactly the identity. The colour ramp is drawn as marks.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { preActivations, tgonParameters } from '../../../pipeline/analysis/tgon.ts';
import { angularGaps, featureVectors } from '../../../pipeline/analysis/geometry.ts';
import { renderGrid, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatLoss, formatRatio, hash8, runProvenance } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { SHOWN_RUN_RULE, TGON_SEEDS, shownRun, tgonId, tgonRun } from '../measurements/tgons.ts';
import { OUTCOME_STYLE } from './tgon-style.ts';

const T = 6;
const NEEDS = TGON_SEEDS.map((seed) => tgonId(T, seed));
const CELL = 44;
/** Smallest value that prints as positive with two decimals. */
const POSITIVE_SHOWN = 0.005;
const MARGIN = { top: 38, right: 6, bottom: 6, left: 40 };

interface Cell {
  j: number;
  k: number;
  value: number;
}

function cells(matrix: Float64Array): Cell[] {
  const out: Cell[] = [];
  for (let j = 0; j < T; j++) for (let k = 0; k < T; k++) out.push({ j: j + 1, k: k + 1, value: matrix[j * T + k] });
  return out;
}

/** Values in cells: "1.00", "−2.00", and "0.00" for |x| < 0.005 (no "−0.00"). */
function cellText(x: number): string {
  return formatRatio(Math.abs(x) < 0.005 ? 0 : x, 2);
}

function colorScale(extent: number) {
  return { type: 'diverging' as const, scheme: 'RdBu' as const, reverse: true, domain: [-extent, extent] };
}

function heatmap(data: Cell[], extent: number): PlotOptions {
  const ticks = Array.from({ length: T }, (_, k) => k + 1);
  return {
    width: MARGIN.left + MARGIN.right + T * CELL,
    height: MARGIN.top + MARGIN.bottom + T * CELL,
    margin: 0,
    marginTop: MARGIN.top,
    marginLeft: MARGIN.left,
    marginRight: MARGIN.right,
    marginBottom: MARGIN.bottom,
    x: { domain: ticks, axis: 'top', label: 'input eₖ', tickSize: 0, labelAnchor: 'center' },
    y: { domain: ticks, label: 'output j', tickSize: 0, labelAnchor: 'center' },
    color: colorScale(extent),
    marks: [
      Plot.cell(data, { x: 'k', y: 'j', fill: 'value', inset: 0.5 }),
      // Positive cells are the outputs the ReLU lets through: outlined. "Positive" as the cells
      // print it: a neighbour at +3·10⁻⁷ (float round-off in a trained run) reads 0.00 and is not.
      Plot.cell(data.filter((d) => d.value >= POSITIVE_SHOWN), { x: 'k', y: 'j', stroke: colors.ink, strokeWidth: 2, inset: 1.5, fill: 'none' }),
      Plot.text(data, {
        x: 'k',
        y: 'j',
        text: (d: Cell) => cellText(d.value),
        fill: (d: Cell) => (Math.abs(d.value) > 0.6 * extent ? 'white' : colors.ink),
        fontSize: fontSize.tick,
      }),
    ],
  };
}

/** A vertical colour ramp as marks: stacked cells from −extent to +extent, with a tick axis. */
function ramp(extent: number, height: number): PlotOptions {
  const steps = 60;
  const strip = Array.from({ length: steps }, (_, k) => {
    const y1 = -extent + (2 * extent * k) / steps;
    const y2 = -extent + (2 * extent * (k + 1)) / steps;
    return { y1, y2, value: (y1 + y2) / 2 };
  });
  return {
    width: 70,
    height,
    marginTop: MARGIN.top,
    marginBottom: MARGIN.bottom,
    marginLeft: 8,
    marginRight: 40,
    x: { axis: null, domain: [0, 1] },
    y: { domain: [-extent, extent], axis: 'right', label: 'Wⱼᵀ Wₖ + bⱼ', labelAnchor: 'center', ticks: 7 },
    color: colorScale(extent),
    marks: [Plot.rect(strip, { x1: 0, x2: 1, y1: 'y1', y2: 'y2', fill: 'value' }), Plot.ruleY([0], { stroke: colors.ink })],
  };
}

const figure: Figure = {
  id: 'wtw-circulant',
  needs: NEEDS,
  caption:
    'The pre-activations $W^\\top W + b$ of the hexagon: entry $(j, k)$ is $W_j^\\top W_k + b_j$, what output $j$ ' +
    'receives before the ReLU when the input is $e_k$. Left: the exact construction ($r^2 = 2$, $b = -1$); each row ' +
    'is the row above shifted by one place (a circulant matrix), with $1$ on the diagonal, exactly $0$ for the two ' +
    'neighbours, and negative values beyond. Only the diagonal is positive (outlined: entries that print as positive at two ' +
    'decimals), so after the ReLU the model ' +
    'returns its input exactly. Right: the same matrix for a trained $T = 6$ run, its features numbered in angular order ' +
    `starting from feature 1, as in the construction; the run is chosen by the rule used throughout section 9: ${SHOWN_RUN_RULE}.`,
  render(runs: RunSet): FigureOutput {
    const exact = tgonParameters(T);
    const exactMatrix = preActivations(exact.W, exact.b, T);
    const candidates = NEEDS.map((id) => {
      const run = runs.get(id);
      if (!run) throw new Error(`missing run ${id}`);
      return tgonRun(run);
    });
    const shown = shownRun(candidates);
    // Number the trained features in angular order, as the construction's are, so that a
    // circulant structure shows as such (the matrix is invariant to rotating W, not to relabelling).
    const { order } = angularGaps(featureVectors(shown.run.W, 2, T), 0);
    const W = new Float64Array(2 * T);
    const b = new Float64Array(T);
    order.forEach((i, k) => {
      W[k] = shown.run.W[i];
      W[T + k] = shown.run.W[T + i];
      b[k] = shown.run.b[i];
    });
    const trainedMatrix = preActivations(W, b, T);
    const extent = Math.max(...exactMatrix.map(Math.abs), ...trainedMatrix.map(Math.abs));
    const heat = heatmap(cells(exactMatrix), extent);
    const svg = renderGrid(
      {
        rows: [
          [
            { heading: [{ text: 'exact construction', weight: 'bold' }], plot: heat },
            { heading: [{ text: `trained, seed ${shown.seed}`, weight: 'bold' }], plot: heatmap(cells(trainedMatrix), extent) },
            { heading: [''], plot: ramp(extent, Number(heat.height)) },
          ],
        ],
        gap: { x: 18, y: 0 },
        margin: { top: 2, right: 4, bottom: 4, left: 4 },
      },
      {
        id: 'wtw-circulant',
        title: 'WᵀW + b for the evenly spaced hexagon',
        desc:
          `Two 6 by 6 heatmaps with the value written in each cell. Left, the exact construction: every row is ` +
          `${Array.from(exactMatrix.slice(0, T)).map(cellText).join(', ')} shifted one place per row. Right, the trained ` +
          `run tgon-T6-seed${shown.seed}: first row ${Array.from(trainedMatrix.slice(0, T)).map(cellText).join(', ')}. ` +
          `A vertical colour ramp on the right runs from ${cellText(-extent)} (blue) through 0 (white) to ${cellText(extent)} (red).`,
      },
    );
    // How far the trained matrix is from the exact one, and how positive its largest off-diagonal entry gets.
    let maxDiff = 0;
    let maxOffDiagonal = -Infinity;
    for (let j = 0; j < T; j++) {
      for (let k = 0; k < T; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(trainedMatrix[j * T + k] - exactMatrix[j * T + k]));
        if (j !== k) maxOffDiagonal = Math.max(maxOffDiagonal, trainedMatrix[j * T + k]);
      }
    }
    return {
      svg,
      provenance:
        `left: exact construction, no run; right: ${runProvenance(shown.run, OUTCOME_STYLE[shown.classification.outcome].label)}, ` +
        `chosen from the T = 6 seeds ${candidates.map((c) => `${c.seed} #${hash8(c.run.hash)}`).join(', ')}`,
      numbers: {
        'wtw-circulant.shownSeed': String(shown.seed),
        'wtw-circulant.maxDifference': formatLoss(maxDiff),
        'wtw-circulant.maxOffDiagonal': formatLoss(maxOffDiagonal),
      },
    };
  },
};

export default figure;
