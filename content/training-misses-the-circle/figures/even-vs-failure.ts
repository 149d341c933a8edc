/**
 * `even-vs-failure` (section 2): the most and the least regular final arrangement among
 * the 100 seeds of the n = 7 baseline sweep, ranked by geometry.ts's compareRegularity
 * (fewer dead features first, then smaller irregularity). No run is picked by hand.
 */
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { compareRegularity } from '../../../pipeline/analysis/geometry.ts';
import { failureSweepIds } from '../experiments/failure.ts';
import { renderGrid } from '../../../pipeline/render/render.ts';
import { formatLoss, formatRatio, hash8, selectRuns } from '../../../pipeline/post/format.ts';
import { fontSize } from '../../../pipeline/render/theme.ts';
import { finalClassification } from '../measurements/failure.ts';
import { outcomeColors, outcomeLabels, sweepProvenance } from './failure-common.ts';
import { arrangementPanel } from './arrangement-panel.ts';

const N = 7;
const ids = failureSweepIds(N);

const figure: Figure = {
  id: 'even-vs-failure',
  needs: ids,
  caption:
    'Two trained solutions of the same problem: seven one-hot examples, a two-dimensional latent space and a trainable ' +
    'bias, trained identically except for the initialisation seed. Of the 100 seeds of the $n = 7$ sweep (section 10) ' +
    'we draw the most regular (left) and the least regular (right) final arrangement of the feature vectors $W_i$, ranked ' +
    'by the regularity score: dead features first, then the worse of the radius ratio and the largest angular gap, each ' +
    'measured against its tolerance. Dashed circles mark the distinct radii.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, ids);
    const ranked = used.map((run) => ({ run, c: finalClassification(run) })).sort((a, b) => compareRegularity(a.c.regularity, b.c.regularity) || a.run.meta.config.seed - b.run.meta.config.seed);
    const best = ranked[0];
    const worst = ranked[ranked.length - 1];
    const size = 340;
    const extent = 1.3 * Math.max(...[best, worst].flatMap(({ c }) => c.radiusLevels));
    const panelFor = (pick: typeof best, heading: string) => ({
      heading: [{ text: heading, weight: 'bold' as const }],
      footer: [
        { text: `seed ${pick.run.meta.config.seed}: ${outcomeLabels[pick.c.outcome]}, loss ${formatLoss(pick.run.meta.finalLoss)}`, size: fontSize.tick, fill: outcomeColors[pick.c.outcome] },
        { text: `radius ratio ${formatRatio(pick.c.regularity.normRatio)}, largest gap ${formatRatio(pick.c.regularity.gapRatio)} × 2π/${pick.c.regularity.count}`, size: fontSize.tick },
      ],
      plot: arrangementPanel(pick.run.W, pick.run.b, N, pick.c, { size, extent }),
    });
    const svg = renderGrid(
      { rows: [[panelFor(best, 'Most regular of 100 seeds'), panelFor(worst, 'Least regular of 100 seeds')]], gap: { x: 30, y: 0 } },
      {
        id: 'even-vs-failure',
        title: 'An evenly spaced and a failed arrangement of seven features in the plane',
        desc:
          `Left: seed ${best.run.meta.config.seed}, ${outcomeLabels[best.c.outcome]}, radius ratio ${formatRatio(best.c.regularity.normRatio)}, ` +
          `largest gap ratio ${formatRatio(best.c.regularity.gapRatio)}, radii ${best.c.radiusLevels.map((r) => formatRatio(r)).join(', ')}. ` +
          `Right: seed ${worst.run.meta.config.seed}, ${outcomeLabels[worst.c.outcome]}, radius ratio ${formatRatio(worst.c.regularity.normRatio)}, ` +
          `largest gap ratio ${formatRatio(worst.c.regularity.gapRatio)}, radii ${worst.c.radiusLevels.map((r) => formatRatio(r)).join(', ')}, ` +
          `dead features ${worst.c.deadFeatures.length}.`,
      },
    );
    const provenance = [
      sweepProvenance('n = 7 sweep ranked', used),
      `drawn: ${best.run.experiment.id} #${hash8(best.run.hash)} (most regular) and ${worst.run.experiment.id} #${hash8(worst.run.hash)} (least regular)`,
    ].join('; ');
    return {
      svg,
      provenance,
      numbers: {
        'even-vs-failure.seeds': String(used.length),
        'even-vs-failure.bestSeed': String(best.run.meta.config.seed),
        'even-vs-failure.worstSeed': String(worst.run.meta.config.seed),
        'even-vs-failure.worstOutcome': outcomeLabels[worst.c.outcome],
        'even-vs-failure.worstRadii': String(worst.c.radiusLevels.length),
        'even-vs-failure.worstLoss': formatLoss(worst.run.meta.finalLoss),
        'even-vs-failure.worstNormRatio': formatRatio(worst.c.regularity.normRatio),
        'even-vs-failure.bestLoss': formatLoss(best.run.meta.finalLoss),
      },
    };
  },
};

export default figure;
