/**
 * The literature's claims about optimization failure (section 10), each tested against
 * the runs with the criterion stated in `criterion`. A claim the runs do not support
 * evaluates to holds: false and stays in the ledger.
 */
import type { Claim } from '../../../pipeline/post/claim.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { CHAOS_SIZE, FAILURE_LRS, FAILURE_N, chaosId, chaosIds, failureLrSweepIds, failureSweepIds } from '../experiments/failure.ts';
import { wilson } from '../../../pipeline/analysis/stats.ts';
import { symmetricFailureHessian } from '../../../pipeline/analysis/hessian.ts';
import { configuration, escapes, finalClassification, formatProportion, neighbourChanges, runsBySymmetricFailureTime } from '../measurements/failure.ts';
import { formatRatio, selectRuns } from '../../../pipeline/post/format.ts';

const n7Ids = failureSweepIds(7);
const lrIds = [...new Set(FAILURE_LRS.flatMap(failureLrSweepIds))];
const allNIds = FAILURE_N.flatMap(failureSweepIds);

/** "Often": at least 10 % of seeds. */
const OFTEN = 0.1;
/** "Rare": at most 10 % of the runs that enter the state leave it. */
const RARE = 0.1;
/** "Chaotic": the outcome class changes between neighbouring grid cells in at least 10 % of neighbouring pairs. */
const CHAOTIC = 0.1;
/** "Sometimes": at least 5 % of the runs at some n. */
const SOMETIMES = 0.05;

const finalOutcomes = (runs: readonly LoadedRun[]) => runs.map((run) => finalClassification(run).outcome);

export const failureClaims: Claim[] = [
  {
    id: 'symmetric-failure-n7-final',
    statement: 'For n = 7, m = 2 on identity data, training often ends in the symmetric failure: six features on a hexagon (b ≈ −1), one dead feature with b ≈ 1/7.',
    needs: lrIds,
    criterion: `At some learning rate of the n = 7 sweep (${FAILURE_LRS.join(', ')}; 100 seeds, 50,000 steps), at least ${OFTEN * 100} % of seeds end in the symmetric failure (outcomes.ts).`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const parts = FAILURE_LRS.map((lr) => {
        const outcomes = finalOutcomes(selectRuns(runs, failureLrSweepIds(lr)));
        return { lr, p: wilson(outcomes.filter((o) => o === 'symmetric-failure').length, outcomes.length) };
      });
      const best = parts.reduce((a, b) => (b.p.fraction > a.p.fraction ? b : a));
      return { measured: `largest final fraction ${formatProportion(best.p)} at lr ${best.lr}`, holds: best.p.fraction >= OFTEN };
    },
  },
  {
    id: 'symmetric-failure-n7-on-the-way',
    statement: 'For n = 7, training often stalls in the symmetric failure on its way.',
    needs: n7Ids,
    criterion: `At least ${OFTEN * 100} % of the 100 n = 7 seeds (lr 10⁻³) are in the symmetric failure at one or more of their 21 snapshots.`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const used = selectRuns(runs, n7Ids);
      const p = wilson(runsBySymmetricFailureTime(used).length, used.length);
      return { measured: formatProportion(p), holds: p.fraction >= OFTEN };
    },
  },
  {
    id: 'symmetric-failure-local-minimum',
    statement: 'The symmetric failure is a local optimum: any small W₇ adds tilt that raises the loss while b₇ ≥ 0.',
    needs: [],
    criterion: 'Every eigenvalue of the loss Hessian at the analytic n = 7 symmetric failure (hexagon r² 10 % above its smallest exact radius, off the ReLU kink) is ≥ −10⁻⁵; the W₇ block alone is reported too.',
    section: 'optimization-failure',
    evaluate() {
      const r2 = 1.1 / (1 - Math.cos((2 * Math.PI) / 6));
      const h = symmetricFailureHessian(7, r2);
      return {
        measured: `smallest eigenvalue ${formatRatio(h.min, 4)} (${h.negative} negative); W₇ block alone ${formatRatio(h.deadBlockMin, 3)}`,
        holds: h.negative === 0,
      };
    },
  },
  {
    id: 'asymmetric-recovery-rare',
    statement: 'Escape from the symmetric failure (asymmetric recovery) is rare.',
    needs: n7Ids,
    criterion: `Of the n = 7 runs (lr 10⁻³) that are in the symmetric failure at some snapshot, at most ${RARE * 100} % end with every feature live at zero loss (even or several radii).`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const through = runsBySymmetricFailureTime(selectRuns(runs, n7Ids));
      const escaped = through.filter((r) => escapes(finalClassification(r.run).outcome)).length;
      const p = wilson(escaped, through.length);
      return { measured: `${escaped} of ${through.length} escape: ${formatProportion(p)}`, holds: through.length > 0 && p.fraction <= RARE };
    },
  },
  {
    id: 'outcome-chaotic-in-lr',
    statement: 'Which solution training reaches is sensitive to the learning rate in a chaotic way.',
    needs: chaosIds,
    criterion: `On the ${CHAOS_SIZE} × ${CHAOS_SIZE} grid (one seed, n = 7), the final outcome class differs between learning-rate neighbours in at least ${CHAOTIC * 100} % of neighbouring pairs. The finer configuration (which features end dead or inner) is reported too.`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const grid = Array.from({ length: CHAOS_SIZE }, (_, i) => Array.from({ length: CHAOS_SIZE }, (_, j) => runs.get(chaosId(i, j))!));
      const classes = grid.map((col) => col.map((run) => finalClassification(run).outcome as string));
      const configs = grid.map((col) => col.map((run) => configuration(run.W, 7, finalClassification(run))));
      const c = neighbourChanges(classes);
      const k = neighbourChanges(configs);
      const rate = c.lrChanges / c.lrPairs;
      return {
        measured: `outcome changes in ${formatRatio(rate)} of lr-neighbour pairs (${formatRatio(c.biasChanges / c.biasPairs)} of bias-neighbour pairs); configuration in ${formatRatio(k.lrChanges / k.lrPairs)} (${formatRatio(k.biasChanges / k.biasPairs)})`,
        holds: rate >= CHAOTIC,
      };
    },
  },
  {
    id: 'several-radii-occur',
    statement: 'At m = 2 in the low-data regime, points sometimes settle on two circles of different radii instead of one (Anthropic, 2023).',
    needs: allNIds,
    criterion: `For some n in 3 … 12 (100 seeds, lr 10⁻³, 50,000 steps), at least ${SOMETIMES * 100} % of seeds end at zero loss on two or more radii.`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const parts = FAILURE_N.map((n) => {
        const outcomes = finalOutcomes(selectRuns(runs, failureSweepIds(n)));
        return { n, p: wilson(outcomes.filter((o) => o === 'several-radii').length, outcomes.length) };
      });
      const best = parts.reduce((a, b) => (b.p.fraction > a.p.fraction ? b : a));
      const withAny = parts.filter((x) => x.p.successes > 0).map((x) => x.n);
      return { measured: `largest ${formatProportion(best.p)} at n = ${best.n}; present at n = ${withAny.join(', ') || 'none'}`, holds: best.p.fraction >= SOMETIMES };
    },
  },
];
