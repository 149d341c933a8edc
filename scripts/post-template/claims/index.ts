/**
 * Every claim the post tests, in order of appearance. The claims ledger is generated
 * from this list at build time; a claim whose criterion fails stays in it as failing.
 */
import type { Claim } from '../../../pipeline/post/claim.ts';
import { formatLoss, selectRuns } from '../../../pipeline/post/format.ts';
import { MAIN_RUN } from '../experiments/main.ts';
import { ZERO_OUTPUT_LOSS } from '../measurements.ts';

const trainingLowersTheLoss: Claim = {
  id: 'training-lowers-loss',
  statement: 'Training does better than the model that outputs zero.',
  needs: [MAIN_RUN.id],
  criterion: `The final training loss of ${MAIN_RUN.id} is below the zero-output loss, ${ZERO_OUTPUT_LOSS}.`,
  section: 'setup',
  evaluate(runs) {
    const [run] = selectRuns(runs, [MAIN_RUN.id]);
    return { measured: `final loss ${formatLoss(run.meta.finalLoss)}`, holds: run.meta.finalLoss < ZERO_OUTPUT_LOSS };
  },
};

export const claims: Claim[] = [trainingLowersTheLoss];
