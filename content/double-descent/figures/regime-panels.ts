/**
 * `regime-panels`: what the model looks like in each regime. One column per T (data seed
 * 0): top, the feature vectors W_i; bottom, the training examples' hidden vectors
 * h_t = W x_t. At small T the hidden vectors form a polygon and the features are a
 * scatter; at large T the features form the polygon and the examples a cloud.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { featureVectors, norm, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { originPanel, type Panel, type PlotOptions } from '../../../pipeline/render/render.ts';
import { PANEL_PADDING, panelSize, polygonMarks, renderVectorGrid } from '../../../pipeline/render/vectorGrid.ts';
import { featureSpokes } from '../../../pipeline/render/vectors.ts';
import { formatInteger, formatRatio, provenanceLine, selectRuns } from '../../../pipeline/post/format.ts';
import { colors, fontSize } from '../../../pipeline/render/theme.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import { sweepId } from '../experiments/sweep.ts';
import { COMPUTED_IDS } from '../measurements/computed.ts';
import { formatT, hiddenOf, runT } from '../measurements/runs.ts';
import { RING_TOLERANCE, ringShare } from '../measurements/ring.ts';

/** The columns, when computed (data seed 0 of each). */
export const REGIME_T = [5, 30, 200, 2_000, 10_000] as const;
/** The columns' runs among these ids. */
export function regimeIds(ids: readonly string[]): string[] {
  return REGIME_T.map((T) => sweepId(T, 0)).filter((id) => ids.includes(id));
}

/** At most this many hidden vectors are drawn per panel: every k-th example from the first, k = ⌈T / MAX_DRAWN⌉. */
export const MAX_DRAWN = 400;
/** Up to this T the hidden vectors are drawn as spokes from the origin, joined in angular order; beyond, as dots. */
const SPOKES_UP_TO = 30;
/** Feature vectors shorter than this fraction of the longest lie inside a grey disc (pipeline/render/vectors.ts). */
const DRAW_FRACTION = 0.04;
const PANEL_SIZE = panelSize(REGIME_T.length);

/** The drawn subset: indices 0, k, 2k, … with k = ⌈count / max⌉. */
export function subsample(count: number, max = MAX_DRAWN): { indices: number[]; every: number } {
  const every = Math.max(1, Math.ceil(count / max));
  const indices: number[] = [];
  for (let t = 0; t < count; t += every) indices.push(t);
  return { indices, every };
}

interface Column {
  run: LoadedRun;
  T: number;
  features: Vec2[];
  hidden: Vec2[];
  drawn: number[];
  every: number;
}

function column(run: LoadedRun): Column {
  const T = runT(run);
  if (T === 'inf') throw new Error('regime-panels: T = ∞ has no training examples to draw');
  const config = run.meta.config;
  const hidden = hiddenOf(run);
  const { indices, every } = subsample(hidden.length);
  return { run, T, features: featureVectors(run.W, config.m, config.data.n), hidden, drawn: indices, every };
}

function hiddenPanel(c: Column): PlotOptions {
  const shown = c.drawn.map((t) => c.hidden[t]);
  const longest = Math.max(...shown.map(norm), 1e-12);
  if (c.T <= SPOKES_UP_TO) return originPanel(PANEL_SIZE, PANEL_PADDING * longest, polygonMarks(shown));
  const tips = shown.map((v) => ({ x: v[0], y: v[1] }));
  return originPanel(PANEL_SIZE, PANEL_PADDING * longest, [Plot.dot(tips, { x: 'x', y: 'y', r: 1.4, fill: colors.hidden, fillOpacity: 0.5 })]);
}

function drawnText(c: Column): string {
  return c.every === 1 ? `all ${formatInteger(c.T)} drawn` : `${formatInteger(c.drawn.length)} of ${formatInteger(c.T)} drawn (1 in ${formatInteger(c.every)})`;
}

/** The figure over the runs with these ids (by default the computed ones; tests pass the full sweep). */
export function regimePanelsFigure(ids: readonly string[] = COMPUTED_IDS): Figure {
  return {
    id: 'regime-panels',
    needs: regimeIds(ids),
    caption:
      'The model in each regime, one run per $T$ (dataset seed 0, where computed): top, the feature vectors $W_i$ ' +
      '(features shorter than 4 % of the longest lie inside the grey disc); bottom, the training examples\u2019 hidden vectors ' +
      `$h_t = W x_t$. Each panel has its own scale. Where $T$ exceeds ${MAX_DRAWN}, only every $k$-th example is drawn, ` +
      `$k = \\lceil T / ${MAX_DRAWN} \\rceil$, starting from the first (a fixed subsample, not a selection); the footer says how many.`,
    render(runs: RunSet): FigureOutput {
      const used = selectRuns(runs, regimeIds(ids));
      const columns = used.map(column);
      const featureMarks = columns.map((c) => featureSpokes(c.features, DRAW_FRACTION));
      const top: Panel[] = columns.map((c, k) => ({
        heading: [{ text: `T = ${formatT(c.T)}`, weight: 'bold' }],
        plot: originPanel(PANEL_SIZE, PANEL_PADDING * featureMarks[k].longest, featureMarks[k].marks),
      }));
      const bottom: Panel[] = columns.map((c) => ({ plot: hiddenPanel(c), footer: [{ text: drawnText(c), size: fontSize.tick }] }));
      const svg = renderVectorGrid(top, bottom, {
          id: 'regime-panels',
          title: 'Feature vectors and hidden vectors across the regimes',
          desc:
            `${columns.length} columns, T = ${columns.map((c) => formatT(c.T)).join(', ')}. Top row: the feature vectors as lines from ` +
            `the origin (${columns.map((c, k) => `${featureMarks[k].drawn} drawn individually at T = ${formatT(c.T)}`).join(', ')}), ` +
          `the rest inside a grey disc. Bottom row: the hidden vectors of the training examples (${columns.map((c) => `T = ${formatT(c.T)}: ${drawnText(c)}`).join('; ')}).`,
      });
      return {
        svg,
        provenance: provenanceLine(used, { extra: (run) => `test loss ${run.meta.testLoss === null ? '—' : run.meta.testLoss.toPrecision(4)}` }),
        numbers: {
          'regime-panels.maxDrawn': formatInteger(MAX_DRAWN),
          'regime-panels.columns': columns.map((c) => formatT(c.T)).join(', '),
          'regime-panels.ringTolerance': `${formatRatio(100 * RING_TOLERANCE, 0)} %`,
          // Per column, all training examples (not only the drawn ones): the share on one circle and its radius.
          ...Object.fromEntries(
            columns.flatMap((c) => {
              const ring = ringShare(c.hidden);
              return [
                [`regime-panels.ringShareT${c.T}`, `${formatRatio(100 * ring.share, 0)} %`],
                [`regime-panels.ringRadiusT${c.T}`, formatRatio(ring.radius)],
              ];
            }),
          ),
        },
      };
    },

  };
}

export default regimePanelsFigure();
