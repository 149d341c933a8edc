/**
 * The section-10 figures and claims on synthetic runs whose outcomes are known by
 * construction: exact T-gons (even), an (n−1)-gon plus a dead feature with b = 1/n
 * (symmetric failure), and a lossy squeezed polygon (other).
 */
import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
import type { Figure } from '../../../pipeline/post/figure.ts';
import { experimentById } from '../experiments/index.ts';
import { FAILURE_LRS, FAILURE_N, CHAOS_SIZE, chaosId, failureLrSweepIds, failureSweepIds } from '../experiments/failure.ts';
import { identityLoss, type Vec2 } from '../../../pipeline/analysis/geometry.ts';
import { fakeRun, weightsFromVectors } from './fixtures/runs.ts';
import evenVsFailure from '../figures/even-vs-failure.ts';
import symmetricFailure from '../figures/symmetric-failure.ts';
import failureRate from '../figures/failure-rate.ts';
import asymmetricRecovery from '../figures/asymmetric-recovery.ts';
import lrChaos from '../figures/lr-chaos.ts';
import { failureClaims } from '../claims/failure.ts';

type Params = { W: Float32Array; b: Float32Array };

/** Exact T-gon (r² = 1/(1 − cos 2π/T), b = −r² cos 2π/T), plus `dead` features at 0 with b = 1/n. */
function tgonParams(live: number, dead = 0): Params {
  const n = live + dead;
  const c = Math.cos((2 * Math.PI) / live);
  const r2 = 1 / (1 - c);
  const vectors: Vec2[] = Array.from({ length: n }, (_, k): Vec2 =>
    k < live ? [Math.sqrt(r2) * Math.cos(0.2 + (2 * Math.PI * k) / live), Math.sqrt(r2) * Math.sin(0.2 + (2 * Math.PI * k) / live)] : [0, 0],
  );
  const b = Float32Array.from({ length: n }, (_, k) => (k < live ? -r2 * c : 1 / n));
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

const runs = new Map<string, LoadedRun>();
for (const n of FAILURE_N) failureSweepIds(n).forEach((id, seed) => runs.set(id, sweepRun(id, n, seed)));
for (const lr of FAILURE_LRS) failureLrSweepIds(lr).forEach((id, seed) => runs.has(id) || runs.set(id, sweepRun(id, 7, seed)));
// Chaos grid: even where i + j is even, symmetric failure where odd, so every neighbour pair differs.
for (let i = 0; i < CHAOS_SIZE; i++) for (let j = 0; j < CHAOS_SIZE; j++) runs.set(chaosId(i, j), runWith(chaosId(i, j), (i + j) % 2 === 0 ? tgonParams(7) : tgonParams(6, 1)));

function render(f: Figure) {
  return f.render(new Map(f.needs.map((id) => [id, runs.get(id)!])));
}

function parse(svg: string): Element {
  const root = new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document.documentElement;
  expect(root.getElementsByTagName('parsererror')).toHaveLength(0);
  return root;
}

describe('section 10 figures on synthetic runs', () => {
  const all = [evenVsFailure, symmetricFailure, failureRate, asymmetricRecovery, lrChaos];
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

  it('failure-rate counts each constructed outcome', () => {
    const { numbers } = render(failureRate);
    // 25 of 100 seeds per class.
    expect(numbers['failure-rate.n7.symmetricFailure']).toBe('0.25 (95 % CI 0.18–0.34)');
    expect(numbers['failure-rate.n7.even']).toBe('0.50 (95 % CI 0.40–0.60)');
    expect(numbers['failure-rate.n7.other']).toBe('0.25 (95 % CI 0.18–0.34)');
    // After step 0 and up to snapshot 5, seeds ≡ 0 and ≡ 2 are in the failure: 50 of 100.
    expect(numbers['failure-rate.step2500.symmetricFailure']).toBe('0.50 (95 % CI 0.40–0.60)');
    expect(numbers['failure-rate.step50000.symmetricFailure']).toBe('0.25 (95 % CI 0.18–0.34)');
    expect(numbers['failure-rate.runs']).toBe('1,500');
  });

  it('symmetric-failure picks the run that stays longest and reads its state', () => {
    const { numbers } = render(symmetricFailure);
    expect(numbers['symmetric-failure.seed']).toBe('2'); // 20 failure snapshots, the lowest such seed
    expect(numbers['symmetric-failure.deadBias']).toBe('0.143');
    expect(numbers['symmetric-failure.loss']).toBe(numbers['symmetric-failure.predictedLoss']);
    expect(numbers['symmetric-failure.runsInFailure']).toBe('50');
  });

  it('asymmetric-recovery counts escapes and draws an escaping run', () => {
    const { numbers } = render(asymmetricRecovery);
    expect(numbers['asymmetric-recovery.throughFailure']).toBe('50');
    expect(numbers['asymmetric-recovery.escaped']).toBe('25');
    expect(numbers['asymmetric-recovery.seed']).toBe('0');
    expect(numbers['asymmetric-recovery.failTo']).toBe('12,500');
  });

  it('lr-chaos sees every neighbour pair of a checkerboard change', () => {
    const { numbers } = render(lrChaos);
    expect(numbers['lr-chaos.classChangeLr']).toBe('1.00');
    expect(numbers['lr-chaos.classChangeBias']).toBe('1.00');
    expect(numbers['lr-chaos.runs']).toBe('1,600');
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
    expect(verdict('symmetric-failure-n7-final').holds).toBe(true); // 25 % ≥ 10 %
    expect(verdict('symmetric-failure-n7-on-the-way').holds).toBe(true);
    expect(verdict('asymmetric-recovery-rare').holds).toBe(false); // 25 of 50 escape
    expect(verdict('outcome-chaotic-in-lr').holds).toBe(true);
    expect(verdict('several-radii-occur').holds).toBe(false); // none constructed
  });
  it('finds negative curvature at the analytic symmetric failure (a saddle, not a minimum)', () => {
    const result = verdict('symmetric-failure-local-minimum');
    expect(result.holds).toBe(false);
    expect(result.measured).toMatch(/W₇ block alone [0-9.]+/);
  });
});
