/**
 * `memorized-tgons`: the hidden vectors of the T training examples for T = 3 … 12, one
 * trained run per T (identity data, so h_t = W e_t is column t of W), drawn as small
 * multiples in the manner of Anthropic's "T-gons as T grows" figure. Which seed is shown
 * is decided by `shownRun` (measurements/tgons.ts); the dashed circle is the exact construction's
 * radius for that T.
 */
import * as Plot from '@observablehq/plot';
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { angularGaps, featureVectors, norm, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { tgonConstruction } from '../../../pipeline/analysis/tgon.ts';
import { originPanel, renderGrid, type Panel, type PlotOptions } from '../../../pipeline/render/render.ts';
import { formatRatio, runProvenance, sweepProvenance } from '../../../pipeline/post/format.ts';
import { colors, fontSize, maxWidth } from '../../../pipeline/render/theme.ts';
import { SHOWN_RUN_RULE, TGON_IDS, TGON_T, shownRun, tgonRunsByT, type TgonRun } from '../measurements/tgons.ts';
import { OUTCOME_STYLE } from './tgon-style.ts';

const COLUMNS = 5;
const GAP = 6;
const PANEL_SIZE = Math.floor((maxWidth - 8 - (COLUMNS - 1) * GAP) / COLUMNS);

function circle(r: number, points = 72): { x: number; y: number }[] {
  return Array.from({ length: points + 1 }, (_, k) => ({ x: r * Math.cos((2 * Math.PI * k) / points), y: r * Math.sin((2 * Math.PI * k) / points) }));
}

function panel(shown: TgonRun): PlotOptions {
  const vectors: Vec2[] = featureVectors(shown.run.W, 2, shown.T);
  const radius = Math.sqrt(tgonConstruction(shown.T).r2);
  const extent = 1.15 * Math.max(radius, ...vectors.map(norm));
  const { order } = angularGaps(vectors);
  const outline = [...order, order[0]].map((i) => ({ x: vectors[i][0], y: vectors[i][1] }));
  const spokes = vectors.flatMap((v) => [{ x: 0, y: 0 }, { x: v[0], y: v[1] }, { x: NaN, y: NaN }]);
  const even = shown.classification.outcome === 'even';
  return originPanel(PANEL_SIZE, extent, [
    Plot.line(circle(radius), { x: 'x', y: 'y', stroke: colors.muted, strokeDasharray: '3,3' }),
    Plot.line(outline, { x: 'x', y: 'y', stroke: colors.muted, strokeWidth: 0.75 }),
    Plot.line(spokes, { x: 'x', y: 'y', stroke: even ? colors.hidden : colors.accent, strokeWidth: 1.25 }),
    Plot.dot(vectors.map(([x, y]) => ({ x, y })), { x: 'x', y: 'y', r: 2.5, fill: even ? colors.hidden : colors.accent }),
  ]);
}

const figure: Figure = {
  id: 'memorized-tgons',
  needs: TGON_IDS,
  caption:
    'Memorized $T$-gons as $T$ grows: the hidden vectors $h_t = W e_t$ of the $T$ one-hot training examples ' +
    '($\\operatorname{identity}(T)$, $m = 2$, with bias), one trained run per panel, chosen by a fixed rule: ' +
    `${SHOWN_RUN_RULE}. The dashed circle has the exact construction\u2019s radius $r = (1 - \\cos(2\\pi/T))^{-1/2}$; ` +
    'each panel has its own scale. Under each panel: the seed, the regularity (smallest / largest norm · largest gap / ' +
    '$2\\pi/T$) and the outcome class. Panels drawn in red show runs that are not evenly spaced T-gons.',
  render(runs: RunSet): FigureOutput {
    const byT = tgonRunsByT(runs);
    const shown = TGON_T.map((T) => shownRun(byT.get(T) ?? []));
    const panels: Panel[] = shown.map((s) => {
      const even = s.classification.outcome === 'even';
      const score = s.classification.regularity;
      const dead = s.classification.deadFeatures.length;
      return {
        heading: [{ text: `T = ${s.T}`, weight: 'bold' }],
        plot: panel(s),
        footer: [
          { text: `seed ${s.seed} · ${formatRatio(score.normRatio)} · ${formatRatio(score.gapRatio)}`, size: fontSize.tick },
          {
            text: `${OUTCOME_STYLE[s.classification.outcome].label}${dead > 0 ? ` (${dead} dead)` : ''}`,
            size: fontSize.tick,
            weight: 'bold',
            fill: even ? colors.ink : colors.accent,
          },
        ],
      };
    });
    const rows: Panel[][] = [];
    for (let k = 0; k < panels.length; k += COLUMNS) rows.push(panels.slice(k, k + COLUMNS));
    const describe = (s: TgonRun) =>
      `T = ${s.T}: seed ${s.seed}, ${OUTCOME_STYLE[s.classification.outcome].label}, norm ratio ${formatRatio(s.classification.regularity.normRatio)}, gap ratio ${formatRatio(s.classification.regularity.gapRatio)}`;
    const svg = renderGrid(
      { rows, gap: { x: GAP, y: 10 }, margin: { top: 2, right: 4, bottom: 4, left: 4 } },
      {
        id: 'memorized-tgons',
        title: 'Memorized T-gons for T = 3 to 12',
        desc:
          `Ten panels, T = ${TGON_T[0]} to ${TGON_T[TGON_T.length - 1]}, each showing the T hidden vectors of one trained run as ` +
          `lines from the origin joined in angular order, with a dashed circle at the construction's radius. ${shown.map(describe).join('; ')}.`,
      },
    );
    const all = [...byT.values()].flat();
    const notEven = shown.filter((s) => s.classification.outcome !== 'even').map((s) => s.T);
    return {
      svg,
      provenance: `shown: ${shown.map((s) => runProvenance(s.run, OUTCOME_STYLE[s.classification.outcome].label)).join('; ')}; chosen from the ${sweepProvenance('tgon sweep', all.map((r) => r.run))}`,
      numbers: {
        'memorized-tgons.evenPanels': String(shown.length - notEven.length),
        'memorized-tgons.panelCount': String(shown.length),
        'memorized-tgons.notEvenTs': notEven.length > 0 ? notEven.join(', ') : 'none',
        'memorized-tgons.largestEvenT': String(Math.max(0, ...shown.filter((s) => s.classification.outcome === 'even').map((s) => s.T))),
      },
    };
  },
};

export default figure;
