/**
 * The end-state taxonomy of pipeline/analysis/outcomes.ts on constructed states, one per
 * class the n = 7 sweeps show, plus the exact switched-off test and the one-sided
 * curvature on the ReLU kink (pipeline/analysis/hessian.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  MEMORIZING,
  OUTCOMES,
  OUTCOME_THRESHOLDS,
  classifyIdentityRun,
  switchedOffFeatures,
  switchedOffLoss,
  symmetricFailureLoss,
} from '../../pipeline/analysis/outcomes.ts';
import { identityLoss, type Vec2 } from '../../pipeline/analysis/geometry.ts';
import { oneSidedCurvature, symmetricFailureHessian } from '../../pipeline/analysis/hessian.ts';
import { classify, polygon, toW } from '../fixtures/identityStates.ts';


describe('the end-state taxonomy', () => {
  it('lists every class once, memorizing ones first', () => {
    expect(new Set(OUTCOMES).size).toBe(OUTCOMES.length);
    expect(OUTCOMES).toEqual(['even', 'several-radii', 'uneven', 'symmetric-failure', 'small-feature', 'switched-off', 'other']);
    expect(MEMORIZING).toEqual(['even', 'several-radii', 'uneven']);
  });

  it('calls a hexagon plus a switched-off seventh feature switched-off, at loss exactly 1/7', () => {
    const { vectors, b } = polygon(6);
    const c = classify([...vectors, [0, 0]], [...b, -1e-3]);
    expect(c.outcome).toBe('switched-off');
    expect(c.switchedOff).toEqual([6]);
    expect(c.loss).toBeCloseTo(switchedOffLoss(7), 12);
    expect(switchedOffLoss(7)).toBeCloseTo(1 / 7, 15);
  });

  it('calls a feature switched off by its outputs alone, even when it is not short', () => {
    // A long feature whose bias is below −r²: its output fires nowhere, its own example included.
    const { vectors, b } = polygon(6);
    const c = classify([...vectors, [1, 0]], [...b, -1.5]);
    expect(c.switchedOff).toEqual([6]);
    expect(c.outcome).toBe('switched-off');
  });

  it('does not call a dying feature switched off while its output still fires anywhere', () => {
    const W = toW([...polygon(6).vectors, [1e-3, 0]]);
    // b₇ = 0 and W₇ pointing at a live feature: W₇ᵀW_j > 0 for some j, so output 7 fires there.
    expect(switchedOffFeatures(W, [...polygon(6).b, 0], 7)).toEqual([]);
    expect(switchedOffFeatures(W, [...polygon(6).b, -1e-2], 7)).toEqual([6]);
  });

  it('counts several switched-off features, up to the all-zero model (loss 1)', () => {
    const zero = Array.from({ length: 7 }, (): Vec2 => [0, 0]);
    const c = classify(zero, Array(7).fill(-1e-6));
    expect(c.outcome).toBe('switched-off');
    expect(c.switchedOff).toHaveLength(7);
    expect(c.loss).toBeCloseTo(1, 12);
  });

  it('calls a short feature with a positive bias away from 1/n a small feature', () => {
    // Five outer features, one inner and one small one with b ≈ 0.3, as the n = 7 runs show near loss 0.1.
    const { vectors, b } = polygon(6);
    const c = classify([...vectors, [0.05, 0.02]], [...b, 0.3]);
    expect(c.outcome).toBe('small-feature');
    expect(c.deadFeatures).toEqual([6]);
    expect(c.switchedOff).toEqual([]);
  });

  it('keeps the symmetric failure apart from the small feature by its bias (1/n within the tolerance)', () => {
    const { vectors, b } = polygon(6);
    expect(classify([...vectors, [0, 0]], [...b, 1 / 7]).outcome).toBe('symmetric-failure');
    expect(classify([...vectors, [0, 0]], [...b, 1 / 7 + 0.8 * OUTCOME_THRESHOLDS.deadBiasTolerance]).outcome).toBe('symmetric-failure');
    // Beyond the tolerance the loss no longer matches d(n − 1)/n² either: a small feature.
    expect(classify([...vectors, [0, 0]], [...b, 1 / 7 + 3 * OUTCOME_THRESHOLDS.deadBiasTolerance]).outcome).toBe('small-feature');
    expect(symmetricFailureLoss(7)).toBeCloseTo(6 / 49, 15);
  });

  it('calls an exact single circle with uneven angles uneven, and even once the thresholds allow it', () => {
    // A circle larger than the construction leaves the angles slack: r² = 10, b = −9 needs cos θ ≤ 0.9.
    // Largest gap 60° against 360°/7: ratio 1.17, just above the 1.15 threshold.
    const angles = [0, 40, 100, 150, 200, 260, 310].map((d) => (d * Math.PI) / 180);
    const vectors = angles.map((a): Vec2 => [Math.sqrt(10) * Math.cos(a), Math.sqrt(10) * Math.sin(a)]);
    const c = classify(vectors, Array(7).fill(-9));
    expect(c.loss).toBeLessThan(1e-12);
    expect(c.outcome).toBe('uneven');
    expect(classify(vectors, Array(7).fill(-9), { ...OUTCOME_THRESHOLDS, maxGapRatio: 1.3 }).outcome).toBe('even');
  });

  it('reads the exactness threshold: an almost exact heptagon is even only below it', () => {
    const { vectors, b } = polygon(7, 0.3, 0.97);
    const W = toW(vectors);
    const loss = identityLoss(W, b, 2, 7);
    expect(loss).toBeGreaterThan(0);
    expect(classifyIdentityRun(W, b, 7, loss, { ...OUTCOME_THRESHOLDS, exactLoss: loss * 2 }).outcome).toBe('even');
    expect(classifyIdentityRun(W, b, 7, loss, { ...OUTCOME_THRESHOLDS, exactLoss: loss / 2 }).outcome).toBe('other');
  });
});

describe('curvature of the symmetric failure on and off the ReLU kink', () => {
  it('finds the Hessian saddle off the kink and the one-sided descent on it', () => {
    const off = oneSidedCurvature(7, 2.2);
    // Off the kink Q(d) is the Hessian's quadratic form: its minimum is the smallest eigenvalue.
    expect(off.kinkTerms).toBe(0);
    expect(off.minCurvature).toBeCloseTo(symmetricFailureHessian(7, 2.2).min, 5);
    const on = oneSidedCurvature(7, 2);
    expect(on.kinkTerms).toBe(12);
    expect(on.gradientNorm).toBeLessThan(1e-12);
    expect(on.minCurvature).toBeLessThan(-1e-4);
    // The other side of the kink curves up, which a central-difference Hessian averages away.
    expect(on.oppositeCurvature).toBeGreaterThan(0);
    expect(symmetricFailureHessian(7, 2).negative).toBe(0);
    // The real loss falls along the direction, as Q predicts to second order.
    expect(on.lossChange).toBeLessThan(0);
    expect(on.lossChange / ((on.step ** 2 / 2) * on.minCurvature)).toBeCloseTo(1, 0);
  });
});
