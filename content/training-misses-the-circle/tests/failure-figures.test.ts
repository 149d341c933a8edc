/**
 * The section-10 figures and claims on synthetic runs whose outcomes are known by
 * construction: exact T-gons (even), an (n−1)-gon plus a dead feature with b = 1/n
 * (symmetric failure), the same with the feature switched off (W = 0, b < 0), a short
 * feature with a positive bias that is not 1/n (small feature), and a lossy squeezed
 * polygon (other).
 */
import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { experimentById } from '../experiments/index.ts';
import { FAILURE_N, chaosCells, chaosId, failureSweepIds } from '../experiments/failure.ts';
import { identityLoss, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { wilson } from '../../../pipeline/analysis/stats.ts';
import { fakeRun, weightsFromVectors } from './fixtures/runs.ts';
import { ALL_SETTING_IDS, formatProportion, thresholdSensitivity } from '../measurements/failure.ts';
import evenVsFailure from '../figures/even-vs-failure.ts';
import symmetricFailure from '../figures/symmetric-failure.ts';
import failureRate from '../figures/failure-rate.ts';
import failureLength from '../figures/failure-length.ts';
import asymmetricRecovery from '../figures/asymmetric-recovery.ts';
import lrChaos from '../figures/lr-chaos.ts';
import { failureClaims } from '../claims/failure.ts';
import { outcomeThresholdsTable } from '../tables/outcome-thresholds.ts';

type Params = { W: Float32Array; b: Float32Array };

/**
 * Exact T-gon (r² = 1/(1 − cos 2π/T), b = −r² cos 2π/T), plus `dead` extra features at
 * `deadVector` with bias `deadBias` (default: at 0 with b = 1/n, the symmetric failure).
 */
function tgonParams(live: number, dead = 0, deadBias?: number, deadVector: Vec2 = [0, 0]): Params {
  const n = live + dead;
  const c = Math.cos((2 * Math.PI) / live);
  const r2 = 1 / (1 - c);
  const vectors: Vec2[] = Array.from({ length: n }, (_, k): Vec2 =>
    k < live ? [Math.sqrt(r2) * Math.cos(0.2 + (2 * Math.PI * k) / live), Math.sqrt(r2) * Math.sin(0.2 + (2 * Math.PI * k) / live)] : deadVector,
  );
  const b = Float32Array.from({ length: n }, (_, k) => (k < live ? -r2 * c : (deadBias ?? 1 / n)));
  return { W: weightsFromVectors(vectors), b };
}

/** A polygon squeezed into half the circle: lossy and uneven ("other"). */
function squeezedParams(n: number): Params {
  const vectors = Array.from({ length: n }, (_, k): Vec2 => [Math.cos((Math.PI * k) / n), Math.sin((Math.PI * k) / n)]);
  return { W: weightsFromVectors(vectors), b: new Float32Array(n) };
}

function runWith(id: string, final: Params, snapshots: Params[] = []): LoadedRun {
  const e = experimentById(id);
  const n = e.data.n;
  const run = fakeRun(e, final.W, final.b, identityLoss(final.W, final.b, 2, n));
  if (snapshots.length > 0) {
    run.snapshotSteps = Float64Array.from(snapshots, (_, k) => Math.round((k * e.steps) / (snapshots.length - 1)));
    run.snapshotsW = snapshots.map((s) => s.W);
    run.snapshotsB = snapshots.map((s) => s.b);
  }
  return run;
}

/**
 * Seeds ≡ 0 (mod 4): in the symmetric failure for the first 5 of 21 snapshots, then even (an escape).
 * ≡ 1: even throughout. ≡ 2: symmetric failure to the end. ≡ 3: other.
 */
function sweepRun(id: string, n: number, seed: number): LoadedRun {
  const even = tgonParams(n);
  const failed = tgonParams(n - 1, 1);
  const other = squeezedParams(n);
  const kind = seed % 4;
  const final = kind === 0 || kind === 1 ? even : kind === 2 ? failed : other;
  const snaps = Array.from({ length: 21 }, (_, k) => (k === 0 ? other : kind === 0 ? (k <= 5 ? failed : even) : final));
  return runWith(id, final, snaps);
}

/**
 * The n = 7 sweeps, 41 snapshots, by seed mod 5: ≡ 0 symmetric failure in snapshots 1–5,
 * then even (an escape); ≡ 1 even throughout; ≡ 2 symmetric failure to the end; ≡ 3 one
 * feature switched off (a hexagon plus W₇ = 0, b₇ = −0.1) from snapshot 10 on; ≡ 4 a small
 * feature (W₇ short, b₇ = 0.3) until snapshot 30, then even (unsettled: it changed in the
 * last quarter).
 */
function settingRun(id: string, seed: number): LoadedRun {
  const even = tgonParams(7);
  const failed = tgonParams(6, 1);
  const off = tgonParams(6, 1, -0.1);
  const small = tgonParams(6, 1, 0.3, [0.05, 0.02]);
  const other = squeezedParams(7);
  const kind = seed % 5;
  const at = (k: number): Params => {
    if (k === 0) return other;
    if (kind === 0) return k <= 5 ? failed : even;
    if (kind === 1) return even;
    if (kind === 2) return failed;
    if (kind === 3) return k >= 10 ? off : even;
    return k <= 30 ? small : even;
  };
  const snaps = Array.from({ length: 41 }, (_, k) => at(k));
  return runWith(id, snaps[40], snaps);
}

const runs = new Map<string, LoadedRun>();
for (const n of FAILURE_N) failureSweepIds(n).forEach((id, seed) => runs.set(id, sweepRun(id, n, seed)));
ALL_SETTING_IDS.forEach((id) => runs.set(id, settingRun(id, experimentById(id).seed)));
// Chaos grid: even where i + j is even, symmetric failure where odd, so every neighbour pair
// differs; the seed-2, δ = 0 row changes class at its last snapshot (unsettled).
for (const { i, seed, j } of chaosCells) {
  const id = chaosId(i, seed, j);
  const final = (i + j) % 2 === 0 ? tgonParams(7) : tgonParams(6, 1);
  const snaps = Array.from({ length: 5 }, (_, k) => (seed === 2 && j === 0 && k < 4 ? squeezedParams(7) : final));
  runs.set(id, runWith(id, final, snaps));
}

function render(f: Figure) {
  return f.render(new Map(f.needs.map((id) => [id, runs.get(id)!])));
}

function parse(svg: string): Element {
  const root = new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document.documentElement;
  expect(root.getElementsByTagName('parsererror')).toHaveLength(0);
  return root;
}

describe('section 10 figures on synthetic runs', () => {
  const all = [evenVsFailure, symmetricFailure, failureRate, failureLength, asymmetricRecovery, lrChaos];
  it.each(all.map((f) => [f.id, f] as const))('%s renders a titled SVG with prefixed numbers and a provenance line', (id, f) => {
    const out = render(f);
    const root = parse(out.svg);
    expect(root.firstElementChild?.tagName).toBe('title');
    expect(root.children[1]?.tagName).toBe('desc');
    for (const el of Array.from(root.querySelectorAll('[id]'))) expect(el.getAttribute('id')!.startsWith(`${id}-`)).toBe(true);
    for (const key of Object.keys(out.numbers)) expect(key.startsWith(`${id}.`)).toBe(true);
    expect(out.provenance).toMatch(/runs #[0-9a-f]{8}/);
    expect(out.svg).not.toMatch(/NaN|undefined/);
  });

  const proportion = (k: number) => formatProportion(wilson(k, 100));

  it('failure-rate counts each constructed end state and the escapes', () => {
    const { numbers } = render(failureRate);
    // The first sweep: 25 of 100 seeds per class at n = 7.
    expect(numbers['failure-rate.n7.symmetricFailure']).toBe(proportion(25));
    expect(numbers['failure-rate.n7.even']).toBe(proportion(50));
    expect(numbers['failure-rate.n7.other']).toBe(proportion(25));
    // Every n = 7 setting: 60 even, 20 symmetric failure, 20 switched off; 20 unsettled.
    for (const key of ['lr1e-4', 'lr3e-1', 'lr1e-1.wd0', 'lr1e-3.cosine']) {
      expect(numbers[`failure-rate.${key}.even`]).toBe(proportion(60));
      expect(numbers[`failure-rate.${key}.symmetricFailure`]).toBe(proportion(20));
      expect(numbers[`failure-rate.${key}.switchedOff`]).toBe(proportion(20));
      expect(numbers[`failure-rate.${key}.smallFeature`]).toBe(proportion(0));
      expect(numbers[`failure-rate.${key}.unsettled`]).toBe('20');
      // 40 runs pass through the symmetric failure and 20 of them escape; 60 through any failure state, 40 escape.
      expect(numbers[`failure-rate.${key}.escapeSymmetric`]).toBe('20 of 40');
      expect(numbers[`failure-rate.${key}.escapeAny`]).toBe('40 of 60');
    }
  });

  it('failure-length follows the constructed trajectories', () => {
    const { numbers } = render(failureLength);
    expect(numbers['failure-length.snapshots']).toBe('41');
    // lr 10⁻⁴ runs 2·10⁶ steps, so snapshot 1 (step 50,000) holds 40 symmetric failures and 20 small features.
    expect(numbers['failure-length.lr1e-4.at50k.symmetricFailure']).toBe('40 of 100');
    expect(numbers['failure-length.lr1e-4.at50k.smallFeature']).toBe('20 of 100');
    expect(numbers['failure-length.lr1e-4.peak.smallFeature']).toBe('20 of 100');
    expect(numbers['failure-length.lr1e-4.unsettled']).toBe('20');
  });

  it('symmetric-failure picks the run that stays longest and reads its state', () => {
    const { numbers } = render(symmetricFailure);
    expect(numbers['symmetric-failure.seed']).toBe('2'); // 20 failure snapshots, the lowest such seed
    expect(numbers['symmetric-failure.deadBias']).toBe('0.143');
    expect(numbers['symmetric-failure.loss']).toBe(numbers['symmetric-failure.predictedLoss']);
    expect(numbers['symmetric-failure.runsInFailure']).toBe('50');
    expect(numbers['symmetric-failure.kinkR2']).toBe('2');
    expect(numbers['symmetric-failure.kinkTerms']).toBe('12');
  });

  it('asymmetric-recovery counts escapes and draws an escaping run', () => {
    const { numbers } = render(asymmetricRecovery);
    expect(numbers['asymmetric-recovery.throughFailure']).toBe('50');
    expect(numbers['asymmetric-recovery.escaped']).toBe('25');
    expect(numbers['asymmetric-recovery.seed']).toBe('0');
    expect(numbers['asymmetric-recovery.failTo']).toBe('12,500');
  });

  it('lr-chaos sees every settled neighbour pair of a checkerboard change and flags the unsettled row', () => {
    const { numbers } = render(lrChaos);
    expect(numbers['lr-chaos.classChangeLr']).toBe('1.00');
    expect(numbers['lr-chaos.classChangeBias']).toBe('1.00');
    expect(numbers['lr-chaos.runs']).toBe('1,680');
    expect(numbers['lr-chaos.unsettled']).toBe('40');
  });

  it('even-vs-failure draws the most and least regular seeds', () => {
    const { numbers } = render(evenVsFailure);
    expect(numbers['even-vs-failure.bestSeed']).toBe('0');
    expect(numbers['even-vs-failure.worstOutcome']).toBe('symmetric failure');
  });
});

describe('failure claims on synthetic runs', () => {
  const verdict = (id: string) => {
    const claim = failureClaims.find((c) => c.id === id)!;
    return claim.evaluate(new Map(claim.needs.map((need) => [need, runs.get(need)!])));
  };
  it('evaluates each claim against its criterion', () => {
    expect(verdict('symmetric-failure-n7-final').holds).toBe(true); // 20 % ≥ 10 %
    expect(verdict('hexagon-switched-off-n7').holds).toBe(true); // 20 % hexagon plus one switched off
    expect(verdict('symmetric-failure-n7-on-the-way').holds).toBe(true);
    expect(verdict('switched-off-permanent').holds).toBe(true);
    expect(verdict('asymmetric-recovery-rare').holds).toBe(false); // 20 of 40 escape
    expect(verdict('outcome-chaotic-in-lr').holds).toBe(true);
    expect(verdict('several-radii-occur').holds).toBe(false); // none constructed
    expect(verdict('learning-rate-matters-most').holds).toBe(false); // every setting the same
  });
  it('finds a one-sided descent direction on the kink (a saddle, not a minimum)', () => {
    const result = verdict('symmetric-failure-local-minimum');
    expect(result.holds).toBe(false);
    expect(result.measured).toMatch(/W₇ block alone [0-9.]+/);
  });
});

describe('threshold sensitivity on synthetic runs', () => {
  const table = outcomeThresholdsTable(runs);
  it('recounts every run under each threshold halved and doubled', () => {
    const rows = thresholdSensitivity(runs);
    expect(rows).toHaveLength(1 + 2 * 7);
    // Exact constructions sit far from every threshold: no variant changes a count.
    for (const row of rows) expect(row.counts).toEqual(rows[0].counts);
    expect(table.numbers['outcome-thresholds.variantsChangingVerdicts']).toBe('0');
    expect(table.html).toContain('<table class="thresholds">');
  });
});
