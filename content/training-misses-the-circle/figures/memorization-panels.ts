/**
 * `memorization-panels`: the "datapoints vs features" grid of Anthropic's double-descent
 * paper, from our own runs. One column per training-set size T; top row the columns W_i
 * of W (all n = 10,000 features), bottom row the T training hidden vectors h_t = W x_t,
 * recomputed from the regenerated training data. Under each column, the regularity
 * score of the hidden vectors and whether it counts as an evenly spaced T-gon.
 */
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { TEST_EXAMPLES, hiddenVectors, trainingExamples } from '../../../pipeline/data/datasets.ts';
import {
  EVEN_THRESHOLDS,
  compareRegularity,
  featureVectors,
  isEvenlySpaced,
  norm,
  regularity,
  rowVectors,
  type RegularityScore,
  type Vec2,
} from '../../../pipeline/analysis/geometry.ts';
import { originPanel, type Panel, type PlotOptions } from '../../../pipeline/render/render.ts';
import { PANEL_PADDING, panelSize, polygonMarks, renderVectorGrid } from '../../../pipeline/render/vectorGrid.ts';
import { featureSpokes } from '../../../pipeline/render/vectors.ts';
import { formatInteger, formatRatio, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import { MEMO_IDS, MEMO_T } from '../measurements/memorization.ts';


/**
 * Feature vectors shorter than this fraction of the panel's longest are not drawn one by
 * one: at the panel size they would be under a pixel or two long. A grey disc whose radius
 * is the longest of them marks where they all lie, so the picture stays faithful while
 * the file stays small (most of the 10,000 features are such short vectors).
 */
export const DRAW_FRACTION = 0.04;

/** Seven square panels filling the widest figure width. */
const PANEL_SIZE = panelSize(MEMO_T.length);

interface Column {
  run: LoadedRun;
  T: number;
  features: Vec2[];
  hidden: Vec2[];
  score: RegularityScore;
  even: boolean;
}

function column(run: LoadedRun): Column {
  const config = run.meta.config;
  const n = config.data.n;
  const T = config.data.family === 'sparse' ? config.data.T : config.data.n;
  const features = featureVectors(run.W, config.m, n);
  const hidden = rowVectors(hiddenVectors(run.W, config.m, trainingExamples(config)));
  const score = regularity(hidden);
  return { run, T, features, hidden, score, even: isEvenlySpaced(score) };
}

function featurePanel(c: Column): { plot: PlotOptions; drawn: number } {
  const { marks, drawn, longest } = featureSpokes(c.features, DRAW_FRACTION);
  return { drawn, plot: originPanel(PANEL_SIZE, PANEL_PADDING * longest, marks) };
}

function hiddenPanel(c: Column): PlotOptions {
  const longest = Math.max(...c.hidden.map(norm), 1e-12);
  return originPanel(PANEL_SIZE, PANEL_PADDING * longest, polygonMarks(c.hidden));
}

/** "(0.98, 1.03)". */
function scoreText(score: RegularityScore): string {
  return `${formatRatio(score.normRatio)} · ${formatRatio(score.gapRatio)}`;
}

function verdict(c: Column): string {
  if (c.even) return 'even';
  return c.score.dead.length > 0 ? `uneven, ${c.score.dead.length} dead` : 'uneven';
}

const figure: Figure = {
  id: 'memorization-panels',
  needs: MEMO_IDS,
  caption:
    'Our reproduction of the "datapoints vs features" grid: $n = 10{,}000$ sparse features ($S = 0.999$) ' +
    'squeezed into $m = 2$ dimensions, one training run per dataset size $T$, trained with the paper\u2019s ' +
    'schedule (linear warmup, cosine decay, weight decay). Top: the feature vectors $W_i$; bottom: the $T$ training ' +
    'examples\u2019 hidden vectors $h_t = W x_t$. Each panel has its own scale. In the top row, features too short to ' +
    'see individually lie inside the grey disc at the origin. Under each column: the regularity of the hidden ' +
    'vectors, (smallest / largest norm) · (largest angular gap / $2\\pi/T$), which is $1 \\cdot 1$ for an ' +
    `evenly spaced $T$-gon, and our verdict ("even" needs a norm ratio of at least ${EVEN_THRESHOLDS.minNormRatio}, ` +
    `a gap ratio of at most ${EVEN_THRESHOLDS.maxGapRatio} and no vanishing hidden vector). ` +
    'Each column is a single run, not a pick among seeds.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, MEMO_IDS);
    const columns = used.map(column);
    const featurePanels = columns.map(featurePanel);
    const top: Panel[] = columns.map((c, k) => ({
      heading: [{ text: `T = ${c.T}`, weight: 'bold' }],
      plot: featurePanels[k].plot,
    }));
    const bottom: Panel[] = columns.map((c) => ({
      plot: hiddenPanel(c),
      footer: [
        { text: scoreText(c.score), size: fontSize.tick },
        { text: verdict(c), size: fontSize.tick, weight: 'bold', fill: c.even ? colors.ink : colors.accent },
      ],
    }));
    const scores = columns
      .map((c) => `T = ${c.T}: norm ratio ${formatRatio(c.score.normRatio)}, gap ratio ${formatRatio(c.score.gapRatio)}, ${verdict(c)}`)
      .join('; ');
    const drawnCounts = columns.map((c, k) => `${featurePanels[k].drawn} at T = ${c.T}`).join(', ');
    const svg = renderVectorGrid(top, bottom, {
        id: 'memorization-panels',
        title: 'Feature vectors and hidden vectors for seven training-set sizes T',
        desc:
          `Seven columns, T = ${columns.map((c) => c.T).join(', ')}. Top row: the ${formatInteger(columns[0]?.features.length ?? 0)} ` +
          `feature vectors of each run as lines from the origin; those longer than ${DRAW_FRACTION * 100}% of the longest ` +
          `are drawn individually (${drawnCounts}), the rest lie inside a grey disc at the origin. Bottom row: the T hidden ` +
          `vectors of the training examples as lines from the origin, joined in angular order. Regularity of the hidden ` +
          `vectors: ${scores}.`,
    });
    const ordered = [...columns].sort((a, b) => compareRegularity(a.score, b.score));
    const worst = ordered[ordered.length - 1];
    // The settings quoted in the prose come from the runs' configs, so the text cannot drift from them.
    const settings = (read: (config: LoadedRun['meta']['config']) => number | undefined, format: (x: number) => string) =>
      [...new Set(used.map((run) => read(run.meta.config)).filter((x): x is number => x !== undefined))].map(format).join(', ');
    const plain = (x: number) => String(x);
    const steps = [...new Set(used.map((run) => run.meta.steps))];
    const byRun = new Map(columns.map((c) => [c.run, c]));
    return {
      svg,
      provenance: provenanceLine(used, {
        extra: (run) => {
          const c = byRun.get(run);
          if (!c) return undefined;
          return `hidden-vector regularity (${formatRatio(c.score.normRatio)}, ${formatRatio(c.score.gapRatio)}) ${verdict(c)}`;
        },
      }),
      numbers: {
        'memorization-panels.steps': steps.map(formatInteger).join(', '),
        'memorization-panels.evenCount': String(columns.filter((c) => c.even).length),
        'memorization-panels.testExamples': formatInteger(TEST_EXAMPLES),
        'memorization-panels.panelCount': String(columns.length),
        'memorization-panels.worstT': worst ? String(worst.T) : '',
        'memorization-panels.n': settings((c) => c.data.n, formatInteger),
        'memorization-panels.density': settings((c) => (c.data.family === 'sparse' ? Number((1 - c.data.S).toPrecision(6)) : undefined), plain),
        'memorization-panels.peakLr': settings((c) => (c.schedule.kind === 'warmup-cosine' ? c.schedule.peakLr : c.schedule.lr), plain),
        'memorization-panels.warmupSteps': settings((c) => (c.schedule.kind === 'warmup-cosine' ? c.schedule.warmupSteps : 0), formatInteger),
        'memorization-panels.weightDecay': settings((c) => c.weightDecay, plain),
      },
    };
  },
};

export default figure;
