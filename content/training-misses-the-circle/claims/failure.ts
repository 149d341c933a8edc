/**
 * The literature's claims about optimization failure (section 10), each tested against
 * the runs with the criterion stated in `criterion`, over every n = 7 setting the post
 * trains (learning rates 10⁻⁴ … 0.3, weight decay 0 … 0.1, constant and warmup + cosine
 * schedules), each run long enough that its end state stopped changing. A claim the runs
 * do not support evaluates to holds: false and stays in the ledger. Everything measured
 * comes from ../measurements/failure.ts, which the figures read too.
 */
import type { Claim } from '../../../pipeline/post/claim.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { MEMORIZING, type Outcome } from '../../../pipeline/analysis/outcomes.ts';
import { NEGATIVE_CURVATURE } from '../../../pipeline/analysis/hessian.ts';
import { wilson } from '../../../pipeline/analysis/stats.ts';
import { LR_SETTINGS, SWEEP_LRS, chaosIds, failureSweepIds, settingIds } from '../experiments/failure.ts';
import { formatLoss, formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import {
  ALL_SETTINGS,
  ALL_SETTING_IDS,
  OFF_KINK,
  chaosGrid,
  chaosSummary,
  factorSweep,
  failureCurvature,
  formatProportion,
  formatRate,
  lrSweep,
  measureSetting,
  escapes,
  finalClassification,
  runsBySymmetricFailureTime,
  settingLabel,
  type SettingMeasure,
} from '../measurements/failure.ts';

/** "Often": at least 10 % of seeds. */
const OFTEN = 0.1;
/** "Rare": at most 10 % of the runs that enter the state leave it. */
const RARE = 0.1;
/** A setting counts for "rare" only if at least this many runs enter the state there. */
const MIN_ENTERING = 10;
/** "Chaotic": the outcome class changes between neighbouring grid cells in at least 10 % of neighbouring pairs. */
const CHAOTIC = 0.1;
/** "Sometimes": at least 5 % of the runs at some setting. */
const SOMETIMES = 0.05;

const lrIds = LR_SETTINGS.flatMap(settingIds);
const firstN7Ids = failureSweepIds(7);

const all = (runs: RunSet): SettingMeasure[] => ALL_SETTINGS.map((s) => measureSetting(runs, s));

/** The setting where `value` is largest, with the value. */
function peak(measures: readonly SettingMeasure[], value: (m: SettingMeasure) => number): { m: SettingMeasure; value: number } {
  return measures.map((m) => ({ m, value: value(m) })).reduce((a, b) => (b.value > a.value ? b : a));
}

const present = (measures: readonly SettingMeasure[], outcome: Outcome) =>
  measures.filter((m) => m.final[outcome].successes > 0).map((m) => settingLabel(m.setting));

export const failureClaims: Claim[] = [
  {
    id: 'symmetric-failure-n7-final',
    statement: 'For n = 7, m = 2 on identity data, training often ends in the symmetric failure: six features on a hexagon (b ≈ −1), one dead feature with b ≈ 1/7.',
    needs: [...ALL_SETTING_IDS],
    criterion: `At some n = 7 setting (learning rates ${SWEEP_LRS.map(formatRate).join(', ')}; weight decay 0 to 0.1; constant or warmup + cosine; 100 seeds each, trained until the end state stops changing), at least ${OFTEN * 100} % of seeds end in the symmetric failure (outcomes.ts: dead feature with b within 0.05 of 1/7, the rest an even exact hexagon).`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const best = peak(all(runs), (m) => m.final['symmetric-failure'].fraction);
      return { measured: `largest end fraction ${formatProportion(best.m.final['symmetric-failure'])} at ${settingLabel(best.m.setting)}`, holds: best.value >= OFTEN };
    },
  },
  {
    id: 'hexagon-switched-off-n7',
    statement: 'For n = 7, training often ends with six features on a hexagon and the seventh switched off, at loss 1/7.',
    needs: [...ALL_SETTING_IDS],
    criterion: `At some n = 7 setting, at least ${OFTEN * 100} % of seeds end with exactly one feature switched off (its output fires on no example: W₇ᵀW_j + b₇ ≤ 0 for every j) and the other six an even hexagon at exact loss 1/7. Every switched-off end state is counted too.`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const measures = all(runs);
      const best = peak(measures, (m) => m.hexagonPlusOff / m.runs.length);
      const off = peak(measures, (m) => m.final['switched-off'].fraction);
      return {
        measured: `largest ${best.m.hexagonPlusOff} of ${best.m.runs.length} at ${settingLabel(best.m.setting)}; any switched-off feature: largest ${formatProportion(off.m.final['switched-off'])} at ${settingLabel(off.m.setting)}; present at ${present(measures, 'switched-off').join('; ') || 'none'}`,
        holds: best.value >= OFTEN,
      };
    },
  },
  {
    id: 'symmetric-failure-n7-on-the-way',
    statement: 'For n = 7, training often stalls in the symmetric failure on its way.',
    needs: firstN7Ids,
    criterion: `At least ${OFTEN * 100} % of the 100 n = 7 seeds of the first sweep (lr 10⁻³, wd 10⁻², 21 snapshots every 2,500 steps, fine enough to catch a stall of a few thousand steps) are in the symmetric failure at one or more snapshots. The longer sweeps snapshot too coarsely to count stalls.`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const used = selectRuns(runs, firstN7Ids);
      const p = wilson(runsBySymmetricFailureTime(used).length, used.length);
      return { measured: formatProportion(p), holds: p.fraction >= OFTEN };
    },
  },
  {
    id: 'symmetric-failure-local-minimum',
    statement: 'The symmetric failure is a local optimum: any small W₇ adds tilt that raises the loss while b₇ ≥ 0.',
    needs: [],
    criterion:
      'Where trained failures sit, the smallest exact hexagon (r² = 2, b = −1, every neighbour on its ReLU kink) with W₇ = 0, b₇ = 1/7: ' +
      `the loss gradient is 0 and the one-sided second derivative Q(d) is ≥ ${NEGATIVE_CURVATURE} along every unit direction d (exact formula, minimised over d). ` +
      `For comparison, the eigenvalues of the Hessian at r² ${formatRatio(OFF_KINK, 1)} × 2, off the kink, and of the W₇ block alone.`,
    section: 'optimization-failure',
    evaluate() {
      const { onKink, offKink } = failureCurvature();
      return {
        measured:
          `on the kink: gradient ${formatLoss(onKink.gradientNorm, 1)}, smallest Q(d) ${formatLoss(onKink.minCurvature, 2)} (opposite side ${formatRatio(onKink.oppositeCurvature, 2)}; loss change ${formatLoss(onKink.lossChange, 2)} at step ${onKink.step}); ` +
          `off the kink: smallest Hessian eigenvalue ${formatRatio(offKink.min, 4)} (${offKink.negative} negative); W₇ block alone ${formatRatio(offKink.deadBlockMin, 3)}`,
        holds: onKink.minCurvature >= NEGATIVE_CURVATURE,
      };
    },
  },
  {
    id: 'switched-off-permanent',
    statement: 'A switched-off feature (its output fires on no example, as with W_i = 0 and b_i ≤ 0) gets no gradient and stays off.',
    needs: [...ALL_SETTING_IDS],
    criterion: 'Of all n = 7 sweep runs with a switched-off feature at some snapshot, every one still has a switched-off feature at the end.',
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const measures = all(runs);
      const ever = measures.reduce((s, m) => s + m.everOff, 0);
      const still = measures.reduce((s, m) => s + m.stillOff, 0);
      return { measured: `${still} of ${ever} runs`, holds: ever > 0 && still === ever };
    },
  },
  {
    id: 'asymmetric-recovery-rare',
    statement: 'Escape from the symmetric failure (asymmetric recovery) is rare.',
    needs: [...firstN7Ids, ...ALL_SETTING_IDS],
    criterion: `In the first sweep (lr 10⁻³, snapshots every 2,500 steps) or at some n = 7 setting where at least ${MIN_ENTERING} runs are seen in the symmetric failure, at most ${RARE * 100} % of those end memorizing every example (${MEMORIZING.join(', ')}).`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const first = runsBySymmetricFailureTime(selectRuns(runs, firstN7Ids));
      const firstEscaped = first.filter((r) => escapes(finalClassification(r.run).outcome)).length;
      const measures = all(runs).filter((m) => m.throughSymmetric >= MIN_ENTERING);
      const rates = measures.map((m) => `${settingLabel(m.setting)}: ${m.escapedSymmetric.successes} of ${m.throughSymmetric}`);
      const rare = measures.filter((m) => m.escapedSymmetric.fraction <= RARE).map((m) => settingLabel(m.setting));
      if (first.length >= MIN_ENTERING && firstEscaped <= RARE * first.length) rare.push('the first sweep');
      return {
        measured: `first sweep: ${firstEscaped} of ${first.length} escape; ${rates.join('; ') || 'no setting with enough runs seen in it'}; rare at ${rare.join('; ') || 'no setting'}`,
        holds: rare.length > 0,
      };
    },
  },
  {
    id: 'outcome-chaotic-in-lr',
    statement: 'Which solution training reaches is sensitive to the learning rate in a chaotic way.',
    needs: chaosIds,
    criterion: `On the learning rate × starting point grid (n = 7), among settled cells, the end state differs between learning-rate neighbours in at least ${CHAOTIC * 100} % of neighbouring pairs. The finer configuration (which features end dead or inner) and the starting-point neighbours are reported too.`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const s = chaosSummary(chaosGrid(runs));
      const rate = s.lrPairs === 0 ? 0 : s.lrChanges / s.lrPairs;
      return {
        measured: `outcome changes in ${formatRatio(rate)} of lr-neighbour pairs (${formatRatio(s.biasChanges / Math.max(1, s.biasPairs))} of starting-point pairs); configuration in ${formatRatio(s.configLrChanges / Math.max(1, s.lrPairs))} (${formatRatio(s.configBiasChanges / Math.max(1, s.biasPairs))}); ${s.unsettled} of ${s.cells} cells unsettled`,
        holds: rate >= CHAOTIC,
      };
    },
  },
  {
    id: 'several-radii-occur',
    statement: 'At m = 2 in the low-data regime, points sometimes settle on two circles of different radii instead of one (Anthropic, 2023).',
    needs: [...ALL_SETTING_IDS],
    criterion: `At some n = 7 setting, at least ${SOMETIMES * 100} % of seeds end, settled, at zero loss on two or more radii.`,
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const measures = all(runs);
      const settledShare = (m: SettingMeasure) => m.trajectories.filter((t) => t.settled && t.final.outcome === 'several-radii').length / m.runs.length;
      const best = peak(measures, settledShare);
      return {
        measured: `largest settled ${formatRatio(best.value)} at ${settingLabel(best.m.setting)}; present at the end (settled or not) at ${present(measures, 'several-radii').join('; ') || 'none'}`,
        holds: best.value >= SOMETIMES,
      };
    },
  },
  {
    id: 'learning-rate-matters-most',
    statement: 'The learning rate matters more for the end state than the weight decay or the schedule.',
    needs: [...ALL_SETTING_IDS],
    criterion:
      'The spread of the failure fraction (runs not memorizing every example) over the learning rates (weight decay 10⁻², constant) exceeds its spread over weight decay and schedule at each of the two rates where those vary (10⁻³, 0.1).',
    section: 'optimization-failure',
    evaluate(runs: RunSet) {
      const failing = (m: SettingMeasure) => 1 - m.memorizing.fraction;
      const spread = (list: readonly SettingMeasure[]) => Math.max(...list.map(failing)) - Math.min(...list.map(failing));
      const lr = spread(lrSweep(runs));
      const factors = factorSweep(runs).map((f) => ({ lr: f.lr, spread: spread(f.settings) }));
      return {
        measured: `spread over learning rates ${formatRatio(lr)}; over weight decay and schedule ${factors.map((f) => `${formatRatio(f.spread)} at lr ${formatRate(f.lr)}`).join(', ')}`,
        holds: factors.every((f) => lr > f.spread),
      };
    },
  },
];

