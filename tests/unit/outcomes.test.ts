import { describe, expect, it } from 'vitest';
import {
  OUTCOME_THRESHOLDS,
  classifyIdentityRun,
  radiusLevels,
  symmetricFailureLoss,
} from '../../pipeline/analysis/outcomes.ts';
import { identityLoss, type Vec2 } from '../../pipeline/analysis/geometry.ts';
import { wilson } from '../../pipeline/analysis/stats.ts';
import { classify, polygon as tgon } from '../fixtures/identityStates.ts';


describe('classifyIdentityRun', () => {
  it('calls the analytic T-gon even, with loss 0 and one radius', () => {
    for (const T of [3, 5, 6, 7, 12]) {
      const { vectors, b } = tgon(T);
      const c = classify(vectors, b);
      expect(c.loss).toBeLessThan(1e-12);
      expect(c.outcome).toBe('even');
      expect(c.deadFeatures).toEqual([]);
      expect(c.radiusLevels).toHaveLength(1);
      expect(c.regularity.normRatio).toBeCloseTo(1, 12);
      expect(c.regularity.gapRatio).toBeCloseTo(1, 12);
    }
  });

  it('calls a hexagon plus a dead seventh feature with b₇ = 1/7 a symmetric failure, loss 6/49', () => {
    const { vectors, b } = tgon(6);
    const c = classify([...vectors, [1e-4, -2e-4]], [...b, 1 / 7]);
    expect(c.loss).toBeCloseTo(symmetricFailureLoss(7), 6);
    expect(symmetricFailureLoss(7)).toBeCloseTo(6 / 49, 15);
    expect(c.outcome).toBe('symmetric-failure');
    expect(c.deadFeatures).toEqual([6]);
    expect(c.regularity.count).toBe(6);
    expect(c.regularity.dead).toEqual([6]);
  });

  it('does not call a switched-off feature (b₇ ≤ 0) a symmetric failure', () => {
    const { vectors, b } = tgon(6);
    expect(classify([...vectors, [0, 0]], [...b, 0]).outcome).toBe('switched-off');
    expect(classify([...vectors, [0, 0]], [...b, -0.5]).outcome).toBe('switched-off');
  });

  it('calls an exact solution on two radii several-radii', () => {
    // Six features alternating between radius² 5 and 3 at 60° spacing. Exactness needs
    // ‖W_i‖² + b_i = 1 and W_jᵀW_i + b_j ≤ 0 for j ≠ i; the tightest pair is an inner
    // feature's output on its outer neighbour: √(5·3)·cos 60° − 2 = −0.06 ≤ 0.
    const radii2 = [5, 3, 5, 3, 5, 3];
    const vectors = radii2.map((r2, k): Vec2 => [Math.sqrt(r2) * Math.cos((k * Math.PI) / 3), Math.sqrt(r2) * Math.sin((k * Math.PI) / 3)]);
    const b = radii2.map((r2) => 1 - r2);
    const c = classify(vectors, b);
    expect(c.loss).toBeLessThan(1e-12);
    expect(c.outcome).toBe('several-radii');
    expect(c.radiusLevels.map((r) => r * r)).toEqual([expect.closeTo(3, 10), expect.closeTo(5, 10)]);
  });

  it('calls a perturbed, uneven, lossy arrangement other', () => {
    const { vectors, b } = tgon(7);
    // Move two vertices towards each other by a fifth of the spacing each.
    const turn = (v: Vec2, a: number): Vec2 => [v[0] * Math.cos(a) - v[1] * Math.sin(a), v[0] * Math.sin(a) + v[1] * Math.cos(a)];
    const step = (2 * Math.PI) / 7;
    const moved = vectors.map((v, k) => (k === 2 ? turn(v, 0.2 * step) : k === 3 ? turn(v, -0.2 * step) : v));
    const c = classify(moved, b);
    expect(c.loss).toBeGreaterThan(OUTCOME_THRESHOLDS.exactLoss);
    expect(c.outcome).toBe('other');
    expect(c.regularity.gapRatio).toBeGreaterThan(1.15);
  });

  it('calls a near-exact but unevenly spaced single circle uneven', () => {
    // A large radius tolerates uneven angles with zero loss: r² = 10, b = −9 needs cos θ ≤ 0.9.
    const angles = [0, 40, 100, 150, 200, 260, 310].map((d) => (d * Math.PI) / 180);
    const vectors = angles.map((a): Vec2 => [Math.sqrt(10) * Math.cos(a), Math.sqrt(10) * Math.sin(a)]);
    const c = classify(vectors, Array(7).fill(-9));
    expect(c.loss).toBeLessThan(1e-12);
    expect(c.outcome).toBe('uneven');
  });

  it('refuses a bias of the wrong length', () => {
    expect(() => classifyIdentityRun(new Float64Array(6), [0, 0], 3, 1)).toThrow(/expected n = 3/);
  });
});

describe('radiusLevels', () => {
  it('groups norms within 10 % and returns the group means', () => {
    expect(radiusLevels([1, 1.05, 2, 2.1, 1.02])).toEqual([expect.closeTo(1.0233, 3), expect.closeTo(2.05, 10)]);
    expect(radiusLevels([])).toEqual([]);
  });
});

describe('wilson', () => {
  it('matches hand-computed 95 % intervals', () => {
    // 50/100: centre 0.5, half-width 1.96·√(0.0025 + 0.96²/10⁴·…) → [0.4038, 0.5962].
    const half = wilson(50, 100);
    expect(half.fraction).toBe(0.5);
    expect(half.low).toBeCloseTo(0.40383, 4);
    expect(half.high).toBeCloseTo(0.59617, 4);
    // 0/100: [0, z²/(n + z²)] = [0, 0.03699].
    const none = wilson(0, 100);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(3.8415 / 103.8415, 4);
    // 100/100 mirrors it.
    const all = wilson(100, 100);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(1 - 3.8415 / 103.8415, 4);
    // 7/20: [0.1812, 0.5671] (standard tables).
    const some = wilson(7, 20);
    expect(some.low).toBeCloseTo(0.1812, 3);
    expect(some.high).toBeCloseTo(0.5671, 3);
  });
  it('contains the fraction and refuses impossible counts', () => {
    for (const [k, n] of [[1, 3], [9, 10], [123, 400]]) {
      const p = wilson(k, n);
      expect(p.low).toBeLessThanOrEqual(p.fraction);
      expect(p.high).toBeGreaterThanOrEqual(p.fraction);
    }
    expect(() => wilson(5, 4)).toThrow();
    expect(() => wilson(1.5, 4)).toThrow();
    expect(wilson(0, 0)).toMatchObject({ low: 0, high: 1 });
  });
});

describe('hessian helpers', () => {
  it('symmetricEigenvalues matches a known spectrum', async () => {
    const { symmetricEigenvalues, numericHessian } = await import('../../pipeline/analysis/hessian.ts');
    expect(symmetricEigenvalues([[2, 1], [1, 2]])).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
    // f(x, y) = x² − 3y² + xy: Hessian [[2, 1], [1, −6]].
    const H = numericHessian((p) => p[0] * p[0] - 3 * p[1] * p[1] + p[0] * p[1], Float64Array.of(0.3, -0.2));
    expect(H[0][0]).toBeCloseTo(2, 5);
    expect(H[0][1]).toBeCloseTo(1, 5);
    expect(H[1][1]).toBeCloseTo(-6, 5);
  });
  it('the analytic symmetric failure has the predicted loss and a stable W₇ block', async () => {
    const { symmetricFailureState, symmetricFailureHessian } = await import('../../pipeline/analysis/hessian.ts');
    const p = symmetricFailureState(7, 2.5);
    expect(identityLoss(p.subarray(0, 14), p.subarray(14), 2, 7)).toBeCloseTo(6 / 49, 12);
    // W₇ alone: (1/7)(2 Σ W_iW_iᵀ + 4(b₇ − 1)) = (1/7)(6r² − 24/7) per direction.
    const h = symmetricFailureHessian(7, 2.5);
    expect(h.deadBlockMin).toBeCloseTo((6 * 2.5 - 24 / 7) / 7, 4);
  });
});
