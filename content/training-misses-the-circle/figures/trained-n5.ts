/**
 * `trained-n5`: n = 5 features in m = 2 dimensions, no bias, identity(5). More features
 * than the 2m = 4 that can be reconstructed exactly, so the loss stays above zero; the
 * best of five seeds is drawn with the same two panels as `trained-n4`.
 */
import type { Figure, FigureOutput, RunSet } from '../../../pipeline/post/figure.ts';
import { identityFigure } from './trained-n4.ts';
import { formatInteger, formatLoss, formatLossRange, selectRuns } from '../../../pipeline/post/format.ts';
import { N5_SEEDS } from '../measurements/free-dimensions.ts';

const figure: Figure = {
  id: 'trained-n5',
  needs: N5_SEEDS,
  caption:
    'Five features in two dimensions, no bias, trained on the five one-hot examples; of five initialisation ' +
    'seeds, the run with the lowest final loss is drawn. Left: the columns $W_i$ spread into a pentagon. ' +
    'Neighbouring features are now less than $90°$ apart, so each one leaks a positive output into its two ' +
    'neighbours and the loss cannot reach zero. Right: the 32 vertices $\\sum_i s_i W_i$, $s \\in \\{0,1\\}^5$, ' +
    'of the 5-cube mapped into the plane by $W$, joined where $s$ differs in one entry.',
  render(runs: RunSet): FigureOutput {
    const used = selectRuns(runs, N5_SEEDS);
    const { svg, provenance, best, angles } = identityFigure('trained-n5', used);
    const losses = used.map((run) => run.meta.finalLoss);
    return {
      svg,
      provenance,
      numbers: {
        'trained-n5.bestLoss': formatLoss(best.meta.finalLoss),
        'trained-n5.bestSeed': String(best.meta.config.seed),
        'trained-n5.seeds': String(used.length),
        'trained-n5.steps': formatInteger(best.meta.steps),
        'trained-n5.angles': angles,
        'trained-n5.lossRange': formatLossRange(Math.min(...losses), Math.max(...losses)),
      },
    };
  },
};

export default figure;
