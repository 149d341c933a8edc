/**
 * `tgon-explorer` (section 9), explorable: any run of the T-gon sweep (identity(T), m = 2,
 * with bias; T = 3 … 12, 20 seeds each) chosen with two sliders: its hidden vectors drawn
 * as in `memorized-tgons` (polygon, the construction's radius dashed) and its biases
 * against the construction's. The static view (and the page without JavaScript) is T = 6, seed 0.
 */
import { explorableFigure } from '../../../pipeline/post/explorable.ts';
import { angularGaps, featureVectors } from '../../../pipeline/analysis/geometry.ts';
import { tgonConstruction } from '../../../pipeline/analysis/tgon.ts';
import { formatLoss, formatRatio, sweepProvenance } from '../../../pipeline/post/format.ts';
import { TGON_IDS, TGON_SEEDS, TGON_T, tgonRunsByT } from '../measurements/tgons.ts';
import { OUTCOME_STYLE } from './tgon-style.ts';
import draw, { type TgonExplorerData } from './tgon-explorer.draw.ts';

/** Six significant digits: far below what the panel shows (0.01 px), and a compact file. */
const compact = (x: number) => Number(x.toPrecision(6));

export default explorableFigure<TgonExplorerData>({
  id: 'tgon-explorer',
  needs: TGON_IDS,
  caption:
    'Every run of the $T$-gon sweep, one at a time: choose $T$ and the seed. Left, the hidden vectors $h_t = W e_t$ drawn as in the ' +
    'previous figure, with the exact construction\u2019s radius dashed (red when the run is not an evenly spaced $T$-gon); right, ' +
    'the biases $b_i$ against the construction\u2019s $b = -r^2 \\cos(2\\pi/T)$ (dashed). Under the panels: the regularity ' +
    '(smallest / largest norm · largest gap / $2\\pi/T$), the outcome class and the final loss.',
  controls: [
    { id: 'T', label: 'T (one-hot training examples)', kind: 'slider', values: TGON_T, default: 6 },
    { id: 'seed', label: 'Seed', kind: 'slider', values: TGON_SEEDS, default: 0 },
  ],
  draw,
  data(runs) {
    const byT = tgonRunsByT(runs);
    const all = [...byT.values()].flat();
    return {
      data: {
        byT: TGON_T.map((T) => {
          const construction = tgonConstruction(T);
          return {
            T,
            radius: compact(Math.sqrt(construction.r2)),
            bias: compact(construction.b),
            biasText: formatRatio(construction.b),
            runs: (byT.get(T) ?? []).map((r) => {
              const vectors = featureVectors(r.run.W, 2, T);
              const score = r.classification.regularity;
              const dead = r.classification.deadFeatures.length;
              const radii = r.classification.radiusLevels;
              return {
                seed: r.seed,
                x: vectors.map((v) => compact(v[0])),
                y: vectors.map((v) => compact(v[1])),
                b: Array.from(r.run.b, compact),
                order: angularGaps(vectors).order,
                even: r.classification.outcome === 'even',
                outcomeLabel: `${OUTCOME_STYLE[r.classification.outcome].label}${dead > 0 ? ` (${dead} dead)` : ''}`,
                scoreLine: `seed ${r.seed} · ${formatRatio(score.normRatio)} · ${formatRatio(score.gapRatio)}`,
                radiiText: `live features on ${radii.length} radius level${radii.length === 1 ? '' : 's'} (${radii.map((x) => formatRatio(x)).join(', ')}) against the construction's ${formatRatio(Math.sqrt(construction.r2))}`,
                lossText: formatLoss(r.run.meta.finalLoss),
              };
            }),
          };
        }),
      },
      provenance: `every run of the ${sweepProvenance('tgon sweep', all.map((r) => r.run))}`,
      numbers: {
        'tgon-explorer.runs': String(all.length),
        'tgon-explorer.seedsPerT': String(TGON_SEEDS.length),
      },
    };
  },
});
