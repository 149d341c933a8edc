/**
 * `trained-n3`: three features in two latent dimensions. Five seeds without bias on
 * identity(3), each drawn with the arc of directions every feature could take while all
 * pairs stay at least 90° apart (the condition for exact reconstruction), next to one run
 * with a bias on sparse data, where the triangle comes out regular.
 *
 * Selection rules: every no-bias seed is drawn; of the five sparse-data seeds the LEAST
 * regular one (by the section-3 score) is drawn, so the contrast is not a lucky pick.
 */
import * as Plot from '@observablehq/plot';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import {
  angularGaps,
  compareRegularity,
  featureVectors,
  isEvenlySpaced,
  norm,
  polarAngle,
  radiansToDegrees,
  regularity,
  type Vec2,
} from '../../../pipeline/analysis/geometry.ts';
import { allowedArc, smallestPairwiseAngle } from '../../../pipeline/analysis/free-dimensions.ts';
import { renderGrid, type Panel, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatDegrees, formatInteger, formatLoss, formatLossRange, formatRatio, hash8, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { bareMargin, colors, fontSize, width as figureWidth } from '../../../pipeline/render/theme.ts';
import { featureLabel } from './trained-n4.ts';
import { EXACT_LOSS, N3_SEEDS, N3_SPARSE_BIAS_SEEDS, bestRun } from '../measurements/free-dimensions.ts';
import { SPARSE_TRIANGLE } from '../experiments/free-dimensions.ts';

/** Half the drawing's width, in latent units; the same in every panel so lengths compare. */
const EXTENT = 1.38;
const COLUMNS = 3;
const GAP = 16;

function arcPoints(start: number, width: number, r: number, steps = 60): { x: number; y: number }[] {
  return Array.from({ length: steps + 1 }, (_, k) => {
    const a = start + (width * k) / steps;
    return { x: r * Math.cos(a), y: r * Math.sin(a) };
  });
}

interface Triangle {
  run: LoadedRun;
  vectors: Vec2[];
  /** Counter-clockwise gaps (degrees) from W₁, and the features in that order. */
  gaps: number[];
  order: number[];
  smallestAngle: number;
}

function triangle(run: LoadedRun): Triangle {
  const vectors = featureVectors(run.W, run.meta.config.m, run.meta.config.data.n);
  const { order, gaps } = angularGaps(vectors, 0);
  return { run, vectors, order, gaps: gaps.map(radiansToDegrees), smallestAngle: radiansToDegrees(smallestPairwiseAngle(vectors)) };
}

function gapsText(t: Triangle): string {
  return t.gaps.map((g) => formatDegrees(g)).join(', ');
}

/** One square, axis-free panel: arrows, reference circle, optional allowed arcs, gap labels. */
function trianglePanel(t: Triangle, size: number, options: { arcs: boolean; circleRadius: number }): PlotOptions {
  const marks: Plot.Markish[] = [
    Plot.ruleX([0], { stroke: colors.grid }),
    Plot.ruleY([0], { stroke: colors.grid }),
    Plot.line(arcPoints(0, 2 * Math.PI, options.circleRadius, 120), { x: 'x', y: 'y', stroke: colors.muted, strokeDasharray: '3,3' }),
  ];
  if (options.arcs) {
    t.vectors.forEach((_, i) => {
      const arc = allowedArc(t.vectors, i);
      if (!arc) return;
      marks.push(
        Plot.line(arcPoints(arc.start, arc.width, 1), {
          x: 'x',
          y: 'y',
          stroke: colors.feature,
          strokeOpacity: 0.28,
          strokeWidth: 9,
          strokeLinecap: 'butt',
        }),
      );
    });
  }
  const tips = t.vectors.map((v, i) => ({ x: v[0], y: v[1], i }));
  const labels = t.vectors.map((v, i) => {
    const a = polarAngle(v);
    const r = norm(v) + 0.2;
    return { x: r * Math.cos(a), y: r * Math.sin(a), label: featureLabel(i) };
  });
  const gapLabels = t.order.map((i, k) => {
    const mid = polarAngle(t.vectors[i]) + ((t.gaps[k] / 2) * Math.PI) / 180;
    return { x: 0.48 * Math.cos(mid), y: 0.48 * Math.sin(mid), label: formatDegrees(t.gaps[k]) };
  });
  marks.push(
    Plot.arrow(tips, { x1: 0, y1: 0, x2: 'x', y2: 'y', stroke: colors.feature, strokeWidth: 2, headLength: 9 }),
    Plot.dot([{ x: 0, y: 0 }], { x: 'x', y: 'y', r: 2.5, fill: colors.ink }),
    Plot.text(gapLabels, { x: 'x', y: 'y', text: 'label', fill: colors.ink, fontSize: fontSize.tick }),
    Plot.text(labels, { x: 'x', y: 'y', text: 'label', fill: colors.feature, fontSize: fontSize.label, fontWeight: 'bold' }),
  );
  return {
    width: size,
    height: size,
    aspectRatio: 1,
    margin: bareMargin,
    x: { domain: [-EXTENT, EXTENT], axis: null },
    y: { domain: [-EXTENT, EXTENT], axis: null },
    marks,
  };
}

/** The mean of W_i · W_j over the three pairs. */
function meanInnerProduct(vectors: readonly Vec2[]): number {
  const pairs = [[0, 1], [0, 2], [1, 2]];
  return pairs.reduce((sum, [i, j]) => sum + vectors[i][0] * vectors[j][0] + vectors[i][1] * vectors[j][1], 0) / pairs.length;
}

/** The mean of the run's bias entries. */
function meanBias(run: LoadedRun): number {
  return Array.from(run.b).reduce((s, x) => s + x, 0) / run.b.length;
}

const figure: Figure = {
  id: 'trained-n3',
  needs: [...N3_SEEDS, ...N3_SPARSE_BIAS_SEEDS],
  caption:
    'Three features in two dimensions. First five panels: no bias, trained on the three one-hot examples, one panel per ' +
    'initialisation seed (all five drawn). Arrows are the columns $W_i$, the dashed circle has radius 1, and the numbers ' +
    'are the angles between neighbouring features. The shaded arc at each feature is its wiggle room: the directions it ' +
    'could take, with the other two held fixed, while every pair stays at least $90°$ apart, which is all exact ' +
    'reconstruction asks for. Training stops wherever it first satisfies that condition, so the triangles come out ' +
    'lopsided and differ from seed to seed. Last panel: the same model with a bias, trained on sparse data whose examples ' +
    'sometimes switch on two features at once; of its five seeds the least regular one is drawn, and it is still an ' +
    'even triangle (the dashed circle there has the mean length of its three vectors).',
  render(runs: RunSet): FigureOutput {
    const plain = selectRuns(runs, N3_SEEDS).map(triangle);
    const biasRuns = selectRuns(runs, N3_SPARSE_BIAS_SEEDS);
    const scored = biasRuns.map((run) => ({ run, score: regularity(featureVectors(run.W, run.meta.config.m, run.meta.config.data.n)) }));
    // Least regular of the sparse-data seeds: the last under compareRegularity (stable sort keeps seed order on ties).
    const drawnBias = [...scored].sort((a, b) => compareRegularity(a.score, b.score)).at(-1)!;
    const biasTriangle = triangle(drawnBias.run);
    const biasNorms = biasTriangle.vectors.map(norm);
    const size = Math.floor((figureWidth - 8 - GAP * (COLUMNS - 1)) / COLUMNS);

    const panels: Panel[] = plain.map((t) => ({
      heading: [
        { text: `no bias · seed ${t.run.meta.config.seed}`, weight: 'bold' },
        { text: `loss ${formatLoss(t.run.meta.finalLoss)}`, size: fontSize.tick },
      ],
      footer: [{ text: `smallest angle ${formatDegrees(t.smallestAngle)}`, size: fontSize.tick }],
      plot: trianglePanel(t, size, { arcs: true, circleRadius: 1 }),
    }));
    panels.push({
      heading: [
        { text: `bias, sparse data · seed ${drawnBias.run.meta.config.seed}`, weight: 'bold', fill: colors.accent },
        { text: `loss ${formatLoss(drawnBias.run.meta.finalLoss)} · mean b ${formatRatio(meanBias(drawnBias.run))}`, size: fontSize.tick },
      ],
      footer: [{ text: `largest gap ÷ 120° = ${formatRatio(drawnBias.score.gapRatio, 3)}`, size: fontSize.tick }],
      plot: trianglePanel(biasTriangle, size, { arcs: false, circleRadius: biasNorms.reduce((s, r) => s + r, 0) / 3 }),
    });
    const rows: Panel[][] = [];
    for (let k = 0; k < panels.length; k += COLUMNS) rows.push(panels.slice(k, k + COLUMNS));

    const svg = renderGrid(
      { rows, gap: { x: GAP, y: 14 }, margin: { top: 4, right: 4, bottom: 6, left: 4 } },
      {
        id: 'trained-n3',
        title: 'Trained n = 3, m = 2 feature vectors: five seeds without bias, with their wiggle room, and one with bias on sparse data',
        desc:
          plain
            .map(
              (t) =>
                `No bias, seed ${t.run.meta.config.seed} (final loss ${formatLoss(t.run.meta.finalLoss)}): angles between neighbouring ` +
                `features ${gapsText(t)}, counter-clockwise from W₁.`,
            )
            .join(' ') +
          ' Each feature carries a shaded arc on the unit circle: the directions it could take, the other two fixed, keeping all angles at least 90°. ' +
          `Last panel: with bias on sparse data, seed ${drawnBias.run.meta.config.seed} (the least regular of five), angles ${gapsText(biasTriangle)}, ` +
          `vector lengths ${biasNorms.map((r) => formatRatio(r, 3)).join(', ')}.`,
      },
    );

    const plainRuns = plain.map((t) => t.run);
    const best = bestRun(plainRuns);
    const bestTriangle = plain.find((t) => t.run === best)!;
    const losses = plainRuns.map((run) => run.meta.finalLoss);
    const biasLosses = biasRuns.map((run) => run.meta.finalLoss);
    const gapRatios = scored.map((s) => s.score.gapRatio);
    const normRatios = scored.map((s) => s.score.normRatio);
    const biases = biasRuns.flatMap((run) => Array.from(run.b));
    const allGaps = plain.flatMap((t) => t.gaps);
    const provenance = provenanceLine([...plainRuns, ...biasRuns], {
      extra: (run) => (run.meta.config.bias ? `gap ratio ${formatRatio(scored.find((s) => s.run === run)!.score.gapRatio, 3)}` : undefined),
      note: `drawn: all five no-bias runs and ${drawnBias.run.experiment.id} #${hash8(drawnBias.run.hash)} (least regular of the five with bias)`,
    });
    return {
      svg,
      provenance,
      numbers: {
        'trained-n3.seeds': String(plain.length),
        'trained-n3.steps': formatInteger(best.meta.steps),
        'trained-n3.seedsExact': String(losses.filter((l) => l < EXACT_LOSS).length),
        'trained-n3.lossRange': formatLossRange(Math.min(...losses), Math.max(...losses)),
        'trained-n3.smallestAngle': formatDegrees(Math.min(...plain.map((t) => t.smallestAngle))),
        'trained-n3.smallestGap': formatDegrees(Math.min(...allGaps)),
        'trained-n3.largestGap': formatDegrees(Math.max(...allGaps)),
        'trained-n3.evenCount': String(plain.filter((t) => isEvenlySpaced(regularity(t.vectors))).length),
        'trained-n3.bestSeed': String(best.meta.config.seed),
        'trained-n3.bestAngles': gapsText(bestTriangle),
        'trained-n3.sparseS': String(SPARSE_TRIANGLE.S),
        'trained-n3.sparseT': formatInteger(SPARSE_TRIANGLE.T),
        'trained-n3.biasSeeds': String(biasRuns.length),
        'trained-n3.biasDrawnSeed': String(drawnBias.run.meta.config.seed),
        'trained-n3.biasAngles': gapsText(biasTriangle),
        'trained-n3.biasGapRatioRange': `${formatRatio(Math.min(...gapRatios), 3)}–${formatRatio(Math.max(...gapRatios), 3)}`,
        'trained-n3.biasNormRatioMin': formatRatio(Math.min(...normRatios), 3),
        'trained-n3.biasEvenCount': String(scored.filter((s) => isEvenlySpaced(s.score)).length),
        'trained-n3.biasLossRange': formatLossRange(Math.min(...biasLosses), Math.max(...biasLosses)),
        'trained-n3.biasRange': `${formatRatio(Math.min(...biases))}–${formatRatio(Math.max(...biases))}`,
        'trained-n3.biasLength': formatRatio(biasNorms.reduce((s, r) => s + r, 0) / 3),
        'trained-n3.biasInnerProduct': formatRatio(meanInnerProduct(biasTriangle.vectors)),
      },
    };
  },
};

export default figure;
