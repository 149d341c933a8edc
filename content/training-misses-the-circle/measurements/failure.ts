/**
 * Section 10 measured: the outcome of a run (final, or at each snapshot), outcome
 * fractions with Wilson intervals, the selection rules for the runs the figures draw and
 * the claims test, and the lr-chaos grid's neighbour statistics. Figures and claims both
 * read these, so a figure and its ledger row cannot disagree about a run's outcome.
 */
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import {
  MEMORIZING,
  OUTCOME_THRESHOLDS,
  OUTCOMES,
  classifyIdentityRun,
  switchedOffLoss,
  type Classification,
  type Outcome,
  type OutcomeThresholds,
} from '../../../pipeline/analysis/outcomes.ts';
import { featureVectors, identityLoss, norm } from '../../../pipeline/analysis/geometry.ts';
import { oneSidedCurvature, symmetricFailureHessian, type FailureCurvature, type OneSidedCurvature } from '../../../pipeline/analysis/hessian.ts';
import { wilson, type Proportion } from '../../../pipeline/analysis/stats.ts';
import { formatRatio, selectRuns } from '../../../pipeline/post/format.ts';
import {
  CHAOS_BIASES,
  CHAOS_LRS,
  CHAOS_SEEDS,
  COSINE_SETTINGS,
  FACTOR_LRS,
  LR_SETTINGS,
  SWEEP_N,
  SWEEP_WEIGHT_DECAY,
  WD_SETTINGS,
  chaosCells,
  chaosId,
  settingIds,
  type SweepSetting,
} from '../experiments/failure.ts';

const nOf = (run: LoadedRun): number => run.meta.config.data.n;

const finalCache = new WeakMap<LoadedRun, Classification>();

/** Final outcome of an identity(n), m = 2, with-bias run. */
export function finalClassification(run: LoadedRun): Classification {
  let c = finalCache.get(run);
  if (!c) {
    c = classifyIdentityRun(run.W, run.b, nOf(run), run.meta.finalLoss);
    finalCache.set(run, c);
  }
  return c;
}

/** Outcome at every stored snapshot (the loss is recomputed exactly from the snapshot's W and b). */
export interface SnapshotClassification extends Classification {
  step: number;
  W: Float32Array;
  b: Float32Array;
}

const snapshotCache = new WeakMap<LoadedRun, SnapshotClassification[]>();

export function snapshotClassifications(run: LoadedRun): SnapshotClassification[] {
  const cached = snapshotCache.get(run);
  if (cached) return cached;
  const n = nOf(run);
  const result = Array.from(run.snapshotSteps, (step, k) => {
    const W = run.snapshotsW[k];
    const b = run.snapshotsB[k];
    return { ...classifyIdentityRun(W, b, n, identityLoss(W, b, 2, n)), step, W, b };
  });
  snapshotCache.set(run, result);
  return result;
}

/** Fraction of `classes` with each outcome, with 95 % Wilson intervals. */
export function outcomeFractions(classes: readonly Outcome[]): Record<Outcome, Proportion> {
  const result = {} as Record<Outcome, Proportion>;
  for (const outcome of OUTCOMES) result[outcome] = wilson(classes.filter((c) => c === outcome).length, classes.length);
  return result;
}

/** "0.42 (0.33–0.52)": a fraction with its 95 % interval. */
export function formatProportion(p: Proportion): string {
  return `${formatRatio(p.fraction)} (95 % CI ${formatRatio(p.low)}–${formatRatio(p.high)})`;
}

/** A percentage with no decimals: 0.123 → "12 %". */
export function formatPercent(x: number): string {
  return `${Math.round(100 * x)} %`;
}

/**
 * Selection rule shared by `symmetric-failure` and `asymmetric-recovery`: among the given
 * runs, those in the symmetric failure at one or more snapshots, ordered by the number of
 * such snapshots (most first), ties to the lower seed.
 */
export function runsBySymmetricFailureTime(runs: readonly LoadedRun[]): { run: LoadedRun; snapshots: SnapshotClassification[]; failed: number }[] {
  return runs
    .map((run) => {
      const snapshots = snapshotClassifications(run);
      return { run, snapshots, failed: snapshots.filter((s) => s.outcome === 'symmetric-failure').length };
    })
    .filter((r) => r.failed > 0)
    .sort((a, b) => b.failed - a.failed || a.run.meta.config.seed - b.run.meta.config.seed);
}

/** True for an end state that memorizes every example (even, several radii or one uneven circle): what "escape" ends in. */
export function escapes(final: Outcome): boolean {
  return MEMORIZING.includes(final);
}

/** The features that end dead or on the smallest radius level, as a set: a finer label than the outcome class. */
export function configuration(W: ArrayLike<number>, n: number, c: Classification): string {
  const norms = featureVectors(W, 2, n).map(norm);
  const smallest = c.radiusLevels[0] ?? 0;
  const inner = norms.map((r, i) => i).filter((i) => !c.deadFeatures.includes(i) && c.radiusLevels.length > 1 && norms[i] <= smallest * 1.1);
  return `${c.outcome}|dead ${c.deadFeatures.join(',')}|inner ${inner.join(',')}`;
}


// ---------------------------------------------------------------------------------------
// The n = 7 sweeps (experiments/failure.ts): learning rate, weight decay, schedule.

/** "lr 10⁻³, wd 10⁻², constant" and the like, for labels and provenance. */
export function settingLabel(s: SweepSetting): string {
  return `lr ${formatRate(s.lr)}, wd ${formatRate(s.weightDecay)}${s.schedule === 'constant' ? '' : ', warmup + cosine'}`;
}

/** 3e-4 → "3·10⁻⁴", 0.1 → "0.1", 0 → "0". */
export function formatRate(x: number): string {
  if (x === 0) return '0';
  if (x >= 0.1) return String(Number(x.toPrecision(2)));
  const [mantissa, exponent] = x.toExponential(0).split('e');
  const sup = exponent.replace('-', '⁻').replace(/\d/g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(d)]);
  return mantissa === '1' ? `10${sup}` : `${mantissa}·10${sup}`;
}

/** Key fragment for :num keys: 1e-4 → "1e-4", 0 → "0". */
export const rateKey = (x: number): string => (x === 0 ? '0' : x.toExponential(0).replace('+', ''));

/** Key of a setting in :num keys: "lr1e-4", "lr1e-1.wd0", "lr1e-3.cosine". */
export function settingKey(s: SweepSetting): string {
  const parts = [`lr${rateKey(s.lr)}`];
  if (s.weightDecay !== SWEEP_WEIGHT_DECAY) parts.push(`wd${rateKey(s.weightDecay)}`);
  if (s.schedule !== 'constant') parts.push('cosine');
  return parts.join('.');
}

/** Every n = 7 sweep setting, the learning-rate sweep first. */
export const ALL_SETTINGS: readonly SweepSetting[] = [...LR_SETTINGS, ...WD_SETTINGS, ...COSINE_SETTINGS];
export const ALL_SETTING_IDS: readonly string[] = ALL_SETTINGS.flatMap(settingIds);

/** A run's outcome over training: class at each snapshot, and whether the last quarter of the run changed it. */
export interface Trajectory {
  run: LoadedRun;
  snapshots: SnapshotClassification[];
  final: Classification;
  /**
   * The end-state group (endGroup) held through the last quarter of the run, ignoring
   * excursions shorter than HELD_SNAPSHOTS: the end state stopped changing.
   */
  settled: boolean;
  /**
   * Settled, but some snapshot of the last quarter left the group for fewer than
   * HELD_SNAPSHOTS snapshots: an exact state whose loss or angles flicker across a
   * classification threshold under Adam's jitter, not a change of end state.
   */
  flickering: boolean;
  /** Same class at every snapshot of the last quarter (stricter: no excursion at all, no drift between the memorizing classes). */
  settledClass: boolean;
  /** The end-state group the run held last (heldGroups); null if it never held one. */
  heldGroup: string | null;
}

/**
 * What "the end state stopped changing" compares: the memorizing classes (even, several
 * radii, uneven) count as one group, every failure class as its own. At a learning rate of
 * 0.1 Adam's steps jostle an exact heptagon enough that its largest angular gap wanders
 * across the evenness threshold from one snapshot to the next; that is noise inside one
 * end state, not a change of it. The stricter per-class test is reported too.
 */
export function endGroup(outcome: Outcome): string {
  return MEMORIZING.includes(outcome) ? 'memorizing' : outcome;
}

/**
 * A run counts as settled when its class did not change over this last fraction of its
 * snapshots. A quarter: long enough to see a state hold (at lr 10⁻⁴ the last quarter is
 * 500,000 steps, five times the longest pause the pilot runs showed before a change), short
 * enough that a change early in a long run does not count against it.
 */
export const SETTLED_TAIL = 0.25;

/**
 * A state counts as held once it lasts this many consecutive snapshots. At lr 0.1 an exact
 * heptagon's loss crosses the 0.01 line of the classifier for one snapshot at a time (seen
 * in 15 of its 100 seeds), while the real late changes hold for the rest of the run. The
 * cost: a change in the very last snapshot is read as a flicker. Runs whose last quarter
 * holds fewer than 2 · HELD_SNAPSHOTS snapshots (the learning-rate grid keeps 5 in all)
 * are too coarse to tell a flicker from a change: there every change counts.
 */
export const HELD_SNAPSHOTS = 2;

/**
 * The groups a run held (runs of at least HELD_SNAPSHOTS snapshots), each with the index
 * of its first snapshot; shorter excursions are dropped and the held runs around them
 * joined when they are one group.
 */
export function heldGroups(groups: readonly string[], hold = HELD_SNAPSHOTS): { group: string; from: number }[] {
  const runs: { group: string; from: number; length: number }[] = [];
  for (let k = 0; k < groups.length; k++) {
    const last = runs[runs.length - 1];
    if (last && last.group === groups[k]) last.length++;
    else runs.push({ group: groups[k], from: k, length: 1 });
  }
  const held: { group: string; from: number }[] = [];
  for (const run of runs) {
    if (run.length < hold) continue;
    if (held.length === 0 || held[held.length - 1].group !== run.group) held.push({ group: run.group, from: run.from });
  }
  return held;
}

export function trajectory(run: LoadedRun): Trajectory {
  const snapshots = snapshotClassifications(run);
  const final = finalClassification(run);
  const tailStart = Math.floor((1 - SETTLED_TAIL) * (snapshots.length - 1));
  const heldSince = (same: (o: Outcome) => boolean) => {
    let from = snapshots.length;
    while (from > 0 && same(snapshots[from - 1].outcome)) from--;
    return snapshots.length > 0 && from <= tailStart;
  };
  const hold = snapshots.length - tailStart >= 2 * HELD_SNAPSHOTS ? HELD_SNAPSHOTS : 1;
  const held = heldGroups(snapshots.map((s) => endGroup(s.outcome)), hold);
  const lastHeld = held[held.length - 1];
  // Settled: the last held group began before the tail (a run that never held a state is not).
  const settled = lastHeld !== undefined && lastHeld.from <= tailStart;
  return {
    run,
    snapshots,
    final,
    settled,
    flickering: settled && !heldSince((o) => endGroup(o) === lastHeld.group),
    settledClass: heldSince((o) => o === final.outcome),
    heldGroup: lastHeld?.group ?? null,
  };
}

export interface SettingMeasure {
  setting: SweepSetting;
  key: string;
  runs: LoadedRun[];
  trajectories: Trajectory[];
  /** Final outcome fractions (95 % Wilson intervals). */
  final: Record<Outcome, Proportion>;
  /** Fractions at every snapshot step, for outcome vs training length. */
  bySteps: { step: number; fractions: Record<Outcome, Proportion> }[];
  /** Runs whose held end-state group changed during the last quarter of training (SETTLED_TAIL, HELD_SNAPSHOTS, endGroup). */
  unsettled: number;
  /** Settled runs whose class flickered out of their group for single snapshots in the last quarter (Trajectory.flickering). */
  flickering: number;
  /** Settled runs whose final snapshot lies outside the group they held: the flicker fell on the last snapshot. */
  finalFlicker: number;
  /** Runs whose class changed during the last quarter, memorizing classes told apart. */
  unsettledClass: number;
  /** Runs that end memorizing every example (even, several radii, uneven). */
  memorizing: Proportion;
  /** Runs in the symmetric failure at some snapshot, and of those, how many end memorizing. */
  throughSymmetric: number;
  escapedSymmetric: Proportion;
  /** Runs in any failure state (symmetric failure, small feature) at some snapshot, and how many of those end memorizing. */
  throughFailure: number;
  escapedFailure: Proportion;
  /** Final switched-off runs by number of features switched off. */
  offCounts: Map<number, number>;
  /** Final states with exactly one feature switched off and the rest an even, exact (n − 1)-gon: loss 1/n. */
  hexagonPlusOff: number;
  /** Runs switched off at some snapshot, and how many of them are still switched off at the end. */
  everOff: number;
  stillOff: number;
}

const settingCache = new WeakMap<LoadedRun, SettingMeasure>();

export function measureSetting(runs: RunSet, setting: SweepSetting): SettingMeasure {
  const used = selectRuns(runs, settingIds(setting));
  const cached = settingCache.get(used[0]);
  if (cached && cached.runs.every((r, k) => r === used[k])) return cached;
  const trajectories = used.map(trajectory);
  const finals = trajectories.map((t) => t.final.outcome);
  const steps = trajectories[0].snapshots.map((s) => s.step);
  const bySteps = steps.map((step, k) => ({ step, fractions: outcomeFractions(trajectories.map((t) => t.snapshots[k].outcome)) }));
  const through = (classes: readonly Outcome[]) => trajectories.filter((t) => t.snapshots.some((s) => classes.includes(s.outcome)));
  const symmetric = through(['symmetric-failure']);
  const failure = through(['symmetric-failure', 'small-feature']);
  const escapedOf = (list: Trajectory[]) => wilson(list.filter((t) => escapes(t.final.outcome)).length, list.length);
  const offCounts = new Map<number, number>();
  for (const t of trajectories) {
    if (t.final.outcome !== 'switched-off') continue;
    offCounts.set(t.final.switchedOff.length, (offCounts.get(t.final.switchedOff.length) ?? 0) + 1);
  }
  const everOff = trajectories.filter((t) => t.snapshots.some((s) => s.outcome === 'switched-off'));
  const result: SettingMeasure = {
    setting,
    key: settingKey(setting),
    runs: used,
    trajectories,
    final: outcomeFractions(finals),
    bySteps,
    unsettled: trajectories.filter((t) => !t.settled).length,
    flickering: trajectories.filter((t) => t.flickering).length,
    finalFlicker: trajectories.filter((t) => t.settled && endGroup(t.final.outcome) !== t.heldGroup).length,
    unsettledClass: trajectories.filter((t) => !t.settledClass).length,
    memorizing: wilson(finals.filter(escapes).length, finals.length),
    throughSymmetric: symmetric.length,
    escapedSymmetric: escapedOf(symmetric),
    throughFailure: failure.length,
    escapedFailure: escapedOf(failure),
    offCounts,
    hexagonPlusOff: trajectories.filter((t) => isHexagonPlusOff(t.final, SWEEP_N)).length,
    everOff: everOff.length,
    stillOff: everOff.filter((t) => t.final.outcome === 'switched-off').length,
  };
  settingCache.set(used[0], result);
  return result;
}

/**
 * The literature's state at loss 1/n: one feature switched off, the other n − 1 evenly
 * spaced on one circle and exact, so the loss is the missed example alone, 1/n, to
 * within the exactness threshold.
 */
export function isHexagonPlusOff(c: Classification, n: number): boolean {
  if (c.outcome !== 'switched-off' || c.switchedOff.length !== 1 || c.regularity.count !== n - 1) return false;
  const expected = switchedOffLoss(n, 1);
  const t = OUTCOME_THRESHOLDS;
  return Math.abs(c.loss - expected) < t.exactLoss && c.regularity.normRatio >= t.minNormRatio && c.regularity.gapRatio <= t.maxGapRatio;
}

/** The learning-rate sweep's settings, measured. */
export function lrSweep(runs: RunSet): SettingMeasure[] {
  return LR_SETTINGS.map((s) => measureSetting(runs, s));
}

/** Weight decay and schedule at each factor rate: the baseline (wd 10⁻², constant) first, then the varied ones. */
export function factorSweep(runs: RunSet): { lr: number; settings: SettingMeasure[] }[] {
  return FACTOR_LRS.map((lr) => ({
    lr,
    settings: [
      ...WD_SETTINGS.filter((s) => s.lr === lr && s.weightDecay === 0),
      ...WD_SETTINGS.filter((s) => s.lr === lr && s.weightDecay > 0 && s.weightDecay < SWEEP_WEIGHT_DECAY),
      ...LR_SETTINGS.filter((s) => s.lr === lr),
      ...WD_SETTINGS.filter((s) => s.lr === lr && s.weightDecay > SWEEP_WEIGHT_DECAY),
      ...COSINE_SETTINGS.filter((s) => s.lr === lr),
    ].map((s) => measureSetting(runs, s)),
  }));
}

/** An end state counts as prevalent when it holds at least this share of the seeds at some setting. */
export const PREVALENT = 0.05;

/** Every end state that holds at least `share` of the seeds at some setting, with the setting where it peaks. */
export function prevalentEndStates<S extends { final: Record<Outcome, Proportion> }>(settings: readonly S[], share = PREVALENT): { outcome: Outcome; peak: S }[] {
  return OUTCOMES.flatMap((outcome) => {
    const peak = settings.reduce((a, b) => (b.final[outcome].fraction > a.final[outcome].fraction ? b : a));
    return peak.final[outcome].fraction >= share ? [{ outcome, peak }] : [];
  });
}

// ---------------------------------------------------------------------------------------
// Threshold sensitivity: every sweep recounted with each threshold tightened and loosened.

export interface ThresholdVariant {
  /** Which threshold, as in OUTCOME_THRESHOLDS. */
  threshold: keyof OutcomeThresholds;
  direction: 'tighter' | 'looser';
  value: number;
  thresholds: OutcomeThresholds;
}

/**
 * Each threshold with its tolerance halved (tighter) and doubled (looser). For the two
 * ratios of even spacing the tolerance is the distance from a perfect polygon: 1 − 0.9
 * for the norm ratio, 1.15 − 1 for the gap ratio.
 */
export function thresholdVariants(base: OutcomeThresholds = OUTCOME_THRESHOLDS): ThresholdVariant[] {
  const keys = Object.keys(base) as (keyof OutcomeThresholds)[];
  return keys.flatMap((threshold) =>
    (['tighter', 'looser'] as const).map((direction) => {
      const factor = direction === 'tighter' ? 0.5 : 2;
      const current = base[threshold];
      const value = threshold === 'minNormRatio' ? 1 - factor * (1 - current) : threshold === 'maxGapRatio' ? 1 + factor * (current - 1) : factor * current;
      return { threshold, direction, value, thresholds: { ...base, [threshold]: value } };
    }),
  );
}

export interface SensitivityRow {
  variant: ThresholdVariant | null;
  /** Final outcome counts over all n = 7 sweep runs. */
  counts: Record<Outcome, number>;
  /** Largest change in any outcome's fraction at any single setting, against the base thresholds. */
  largestShift: { setting: string; outcome: Outcome; from: number; to: number } | null;
  /** Settings whose most common end state differs from the base thresholds' verdict. */
  changedVerdicts: string[];
}

function countsOf(classes: readonly Outcome[]): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((o) => [o, classes.filter((c) => c === o).length])) as Record<Outcome, number>;
}

const leading = (counts: Record<Outcome, number>): Outcome => OUTCOMES.reduce((a, b) => (counts[b] > counts[a] ? b : a));

/** The sensitivity table: the base row, then one row per variant. */
export function thresholdSensitivity(runs: RunSet): SensitivityRow[] {
  const perSetting = ALL_SETTINGS.map((s) => ({ label: settingLabel(s), runs: selectRuns(runs, settingIds(s)) }));
  const classify = (t: OutcomeThresholds) =>
    perSetting.map((p) => countsOf(p.runs.map((run) => classifyIdentityRun(run.W, run.b, nOf(run), run.meta.finalLoss, t).outcome)));
  const base = classify(OUTCOME_THRESHOLDS);
  const total = (list: Record<Outcome, number>[]) => countsOf(list.flatMap((c) => OUTCOMES.flatMap((o) => Array<Outcome>(c[o]).fill(o))));
  const rows: SensitivityRow[] = [{ variant: null, counts: total(base), largestShift: null, changedVerdicts: [] }];
  for (const variant of thresholdVariants()) {
    const counts = classify(variant.thresholds);
    let largest: SensitivityRow['largestShift'] = null;
    let size = 0;
    counts.forEach((c, k) => {
      const n = perSetting[k].runs.length;
      for (const o of OUTCOMES) {
        const shift = Math.abs(c[o] - base[k][o]) / n;
        if (shift > size) {
          size = shift;
          largest = { setting: perSetting[k].label, outcome: o, from: base[k][o] / n, to: c[o] / n };
        }
      }
    });
    const changedVerdicts = counts.flatMap((c, k) => (leading(c) !== leading(base[k]) ? [perSetting[k].label] : []));
    rows.push({ variant, counts: total(counts), largestShift: largest, changedVerdicts });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// Is the symmetric failure a local minimum? Off the kink (the old test) and on it.

/** r² of the smallest exact (n − 1)-gon: 1/(1 − cos(2π/(n − 1))); 2 for the hexagon. */
export const kinkR2 = (n: number): number => 1 / (1 - Math.cos((2 * Math.PI) / (n - 1)));
/** The off-kink comparison point, 10 % beyond the kink. */
export const OFF_KINK = 1.1;

let curvatureCache: { onKink: OneSidedCurvature; offKink: FailureCurvature } | null = null;

/** The curvature analysis at n = 7: one-sided on the kink (r² = 2) and the Hessian 10 % beyond it. */
export function failureCurvature(): { onKink: OneSidedCurvature; offKink: FailureCurvature } {
  if (!curvatureCache) {
    const r2 = kinkR2(SWEEP_N);
    curvatureCache = {
      onKink: oneSidedCurvature(SWEEP_N, r2),
      offKink: symmetricFailureHessian(SWEEP_N, OFF_KINK * r2),
    };
  }
  return curvatureCache;
}

// ---------------------------------------------------------------------------------------
// lr-chaos: the grid of learning rate × starting point.

export interface ChaosCell {
  i: number;
  seed: number;
  j: number;
  run: LoadedRun;
  outcome: Outcome;
  settled: boolean;
  config: string;
}

/** Every grid cell, learning rate major, then seed, then starting bias (chaosCells order). */
export function chaosGrid(runs: RunSet): ChaosCell[] {
  return chaosCells.map(({ i, seed, j }) => {
    const run = runs.get(chaosId(i, seed, j));
    if (!run) throw new Error(`missing run ${chaosId(i, seed, j)}`);
    const t = trajectory(run);
    return { i, seed, j, run, outcome: t.final.outcome, settled: t.settled, config: configuration(run.W, SWEEP_N, t.final) };
  });
}


export interface ChaosSummary {
  cells: number;
  unsettled: number;
  counts: Record<Outcome, number>;
  /** Neighbour pairs along the learning rate (same starting point) and along the starting bias (same seed, same rate), settled cells only. */
  lrPairs: number;
  lrChanges: number;
  biasPairs: number;
  biasChanges: number;
  configLrChanges: number;
  configBiasChanges: number;
  distinctConfigs: number;
  /** Learning-rate columns where the three seeds' (all starting biases) end states are not all one class. */
  mixedColumns: number;
}

export function chaosSummary(cells: readonly ChaosCell[]): ChaosSummary {
  const at = new Map(cells.map((c) => [`${c.i}/${c.seed}/${c.j}`, c]));
  let lrPairs = 0, lrChanges = 0, biasPairs = 0, biasChanges = 0, configLrChanges = 0, configBiasChanges = 0;
  for (const c of cells) {
    if (!c.settled) continue;
    const right = at.get(`${c.i + 1}/${c.seed}/${c.j}`);
    if (right?.settled) {
      lrPairs++;
      if (right.outcome !== c.outcome) lrChanges++;
      if (right.config !== c.config) configLrChanges++;
    }
    const up = at.get(`${c.i}/${c.seed}/${c.j + 1}`);
    if (up?.settled) {
      biasPairs++;
      if (up.outcome !== c.outcome) biasChanges++;
      if (up.config !== c.config) configBiasChanges++;
    }
  }
  const columns = Array.from({ length: CHAOS_LRS }, (_, i) => new Set(cells.filter((c) => c.i === i).map((c) => c.outcome)).size);
  return {
    cells: cells.length,
    unsettled: cells.filter((c) => !c.settled).length,
    counts: countsOf(cells.map((c) => c.outcome)),
    lrPairs,
    lrChanges,
    biasPairs,
    biasChanges,
    configLrChanges,
    configBiasChanges,
    distinctConfigs: new Set(cells.map((c) => c.config)).size,
    mixedColumns: columns.filter((k) => k > 1).length,
  };
}
