/**
 * `recovery-trajectory` (section 10), explorable: the run `asymmetric-recovery` draws (the
 * same selection rule), at ANY of its stored snapshots, chosen with a scrubber. The reader
 * steps through the run into the symmetric failure and out of it; the static view (and
 * the page without JavaScript) shows the first snapshot in the failure.
 */
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { explorableFigure } from '../../../pipeline/post/explorable.ts';
import { formatInteger, formatLoss, formatRatio, hash8, selectRuns, sweepProvenance } from '../../../pipeline/post/format.ts';
import { FAILURE_STEPS, failureSweepIds } from '../experiments/failure.ts';
import { escapes, finalClassification, runsBySymmetricFailureTime } from '../measurements/failure.ts';
import { colors } from '../../../pipeline/render/theme.ts';
import { outcomeColors, outcomeLabels } from './failure-common.ts';
import draw, { type TrajectoryData } from './recovery-trajectory.draw.ts';

const N = 7;
const ids = failureSweepIds(N);

/** Six significant digits: far below what the panel shows (0.01 px), and a compact file. */
const compact = (x: number) => Number(x.toPrecision(6));

/** The escaping run asymmetric-recovery draws: most snapshots in the failure, ties to the lower seed. */
function pickRun(runs: RunSet) {
  const through = runsBySymmetricFailureTime(selectRuns(runs, ids));
  const escaped = through.filter((r) => escapes(finalClassification(r.run).outcome));
  if (escaped.length === 0) throw new Error('recovery-trajectory: no n = 7 run escapes the symmetric failure');
  return escaped[0];
}

// The steps are those of the stored snapshots (experiments/failure.ts): every 2,500 of 50,000.
const STEPS = Array.from({ length: 21 }, (_, k) => (k * FAILURE_STEPS) / 20);

export default explorableFigure<TrajectoryData>({
  id: 'recovery-trajectory',
  needs: ids,
  caption:
    'Step through the run of the previous figure: its feature vectors at every stored snapshot (every 2,500 steps), with the loss at ' +
    'every snapshot on the right and the current one ringed. Dashed circles mark the distinct radii of the live features; a ring at ' +
    'the origin is a dead feature. Without JavaScript the figure shows the first snapshot in the symmetric failure.',
  controls: [
    {
      id: 'step',
      label: 'Training step',
      kind: 'scrubber',
      values: STEPS,
      valueLabels: STEPS.map((step) => `step ${formatInteger(step)}`),
      // The first snapshot in the failure (checked in data(): it must be one).
      default: 2_500,
    },
  ],
  draw,
  data(runs) {
    const pick = pickRun(runs);
    const snaps = pick.snapshots;
    const steps = snaps.map((s) => s.step);
    if (steps.join() !== STEPS.join()) throw new Error(`recovery-trajectory: the run's snapshots are at steps ${steps.join(', ')}, not every 2,500; update STEPS`);
    const first = snaps.find((s) => s.outcome === 'symmetric-failure')!;
    if (first.step !== 2_500) throw new Error(`recovery-trajectory: the run first fails at step ${first.step}; set the control's default to it`);
    const extent = 1.2 * Math.max(...snaps.flatMap((s) => s.radiusLevels), 1);
    return {
      data: {
        n: N,
        run: pick.run.experiment.id,
        totalSteps: FAILURE_STEPS,
        extent,
        snapshots: snaps.map((s) => ({
          step: s.step,
          stepLabel: formatInteger(s.step),
          W: Array.from(s.W, compact),
          b: Array.from(s.b, compact),
          loss: compact(s.loss),
          lossLabel: formatLoss(s.loss),
          outcomeLabel: outcomeLabels[s.outcome],
          color: outcomeColors[s.outcome],
          labelColor: s.outcome === 'other' ? colors.ink : outcomeColors[s.outcome],
          radiusLevels: s.radiusLevels.map(compact),
          deadFeatures: [...s.deadFeatures],
          biasLabels: Array.from(s.b, (b) => formatRatio(b)),
        })),
      },
      provenance: [
        sweepProvenance('n = 7 sweep, lr 10⁻³', selectRuns(runs, ids)),
        `drawn: ${pick.run.experiment.id} #${hash8(pick.run.hash)}, all ${snaps.length} stored snapshots`,
      ].join('; '),
      numbers: {
        'recovery-trajectory.snapshots': String(snaps.length),
        'recovery-trajectory.firstFailure': formatInteger(first.step),
      },
    };
  },
});
