/**
 * `regime-explorer`, explorable: the model of any computed (T, data seed) of the sweep,
 * chosen with two sliders, drawn as the columns of `regime-panels` are: the feature
 * vectors (the short ones inside a grey disc) and the training examples' hidden vectors,
 * with the run's test loss. Redrawn from the stored tensors for every run; the static
 * view (and the page without JavaScript) is T = 30, data seed 0.
 *
 * Large runs are subsampled by the rule regime-panels uses, every k-th from the first
 * (here for the features too, which regime-panels draws all of): at most MAX_DRAWN
 * vectors per panel, which keeps the data file bounded; the footers say how many.
 */
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { explorableFigure } from '../../../pipeline/post/explorable.ts';
import { featureVectors, norm, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { formatInteger, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { SWEEP_DATA_SEEDS, sweepId } from '../experiments/sweep.ts';
import { COMPUTED } from '../measurements/computed.ts';
import { formatT, hiddenOf, runDataSeed, runT } from '../measurements/runs.ts';
import { subsample } from './regime-panels.ts';
import draw, { QUANTUM, type QuantizedVectors, type RegimeExplorerData } from './regime-explorer.draw.ts';

/** Every computed finite T (T = ∞ has no training set to draw), each with all four data seeds of the loss curve. */
const TS = COMPUTED.flatMap(({ T, dataSeeds }) => (T !== 'inf' && SWEEP_DATA_SEEDS.every((seed) => dataSeeds.includes(seed)) ? [T] : []));
const SEEDS = [...SWEEP_DATA_SEEDS];
const ids = TS.flatMap((T) => SEEDS.map((seed) => sweepId(T, seed)));

/** At most this many vectors per panel (every k-th from the first), as regime-panels draws hidden vectors. */
const MAX_DRAWN = 400;
/** Features shorter than this fraction of the longest lie inside the grey disc, as in regime-panels. */
const DRAW_FRACTION = 0.04;

function quantize(vectors: readonly Vec2[]): QuantizedVectors {
  const scale = Number(Math.max(...vectors.map(norm), 1e-12).toPrecision(6));
  return { scale, xy: vectors.flatMap(([x, y]) => [Math.round((x / scale) * QUANTUM), Math.round((y / scale) * QUANTUM)]) };
}

const compact = (x: number) => Number(x.toPrecision(6));

function runData(run: LoadedRun) {
  const T = runT(run);
  if (T === 'inf') throw new Error('regime-explorer: T = ∞ has no training examples to draw');
  const n = run.meta.config.data.n;
  const features = featureVectors(run.W, 2, n);
  const norms = features.map(norm);
  const longest = Math.max(...norms, 1e-12);
  const long = features.filter((_, i) => norms[i] >= DRAW_FRACTION * longest);
  const discRadius = Math.max(0, ...norms.filter((r) => r < DRAW_FRACTION * longest));
  const drawnFeatures = subsample(long.length, MAX_DRAWN);
  const hidden = hiddenOf(run);
  const drawnHidden = subsample(hidden.length, MAX_DRAWN);
  const of = (drawn: { indices: number[]; every: number }, total: number, what: string) =>
    drawn.every === 1 ? `all ${formatInteger(total)} ${what} drawn` : `${formatInteger(drawn.indices.length)} of ${formatInteger(total)} ${what} drawn (1 in ${formatInteger(drawn.every)})`;
  return {
    T,
    TText: formatT(T),
    seed: runDataSeed(run),
    features: quantize(drawnFeatures.indices.map((i) => long[i])),
    discRadius: compact(discRadius),
    longestFeature: compact(longest),
    featuresText: `${of(drawnFeatures, long.length, 'long')}, ${formatInteger(n - long.length)} in the disc`,
    hidden: quantize(drawnHidden.indices.map((t) => hidden[t])),
    hiddenText: of(drawnHidden, hidden.length, 'examples'),
    hiddenAsPolygon: T <= 30,
    testLossText: run.meta.testLoss === null ? '—' : run.meta.testLoss.toPrecision(4),
  };
}

export default explorableFigure<RegimeExplorerData>({
  id: 'regime-explorer',
  needs: ids,
  caption:
    'Any run of the sweep, one at a time: choose $T$ and the dataset seed. Left, the feature vectors $W_i$ (those shorter than 4 % of the ' +
    'longest lie inside the grey disc); right, the training examples\u2019 hidden vectors $h_t = W x_t$; above, the run\u2019s test loss. ' +
    `Each panel has its own scale. Where a panel has more than ${MAX_DRAWN} vectors, only every $k$-th is drawn, starting from the first ` +
    '(a fixed subsample, not a selection); the footers say how many.',
  controls: [
    { id: 'T', label: 'T (training examples)', kind: 'slider', values: TS, valueLabels: TS.map((T) => formatT(T)), default: 30 },
    { id: 'seed', label: 'Dataset seed', kind: 'slider', values: SEEDS, default: 0 },
  ],
  draw,
  data(runs) {
    const used = selectRuns(runs, ids);
    return {
      data: { runs: used.map(runData) },
      provenance: provenanceLine(used, { extra: (run) => `test loss ${run.meta.testLoss === null ? '—' : run.meta.testLoss.toPrecision(4)}` }),
      numbers: {
        'regime-explorer.runs': String(used.length),
        'regime-explorer.maxDrawn': formatInteger(MAX_DRAWN),
      },
    };
  },
});
