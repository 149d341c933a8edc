/**
 * The section 5–8 claims on synthetic runs: each holds on runs built to satisfy it and
 * fails on runs built to break its criterion.
 */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../pipeline/post/claim.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import { freeDimensionClaims } from '../claims/free-dimensions.ts';
import { experimentById } from '../experiments/index.ts';
import { fakeRun, n4Runs, n5Runs, weightsFromVectors } from './fixtures/runs.ts';
import { boundRuns, n3Runs, n3SparseBiasRuns, N3_BIAS_GAPS, N3_LAYOUTS, polar } from './fixtures/free-dimensions-runs.ts';
import { identityLoss, type Vec2 } from '../../../pipeline/analysis/geometry.ts';

function claim(id: string): Claim {
  const found = freeDimensionClaims.find((c) => c.id === id);
  if (!found) throw new Error(`no claim ${id}`);
  return found;
}

function evaluate(id: string, runs: RunSet) {
  const c = claim(id);
  return c.evaluate(new Map(c.needs.map((need) => [need, runs.get(need)!])));
}

/** identity(n) runs with every seed set to the same layout (so no seed can rescue the claim). */
function sameLayout(prefix: 'n4' | 'n5', vectors: Vec2[]): RunSet {
  return new Map(
    [0, 1, 2, 3, 4].map((seed) => {
      const id = `${prefix}-seed${seed}`;
      const W = weightsFromVectors(vectors);
      const b = new Float32Array(vectors.length);
      return [id, fakeRun(experimentById(id), W, b, identityLoss(W, b, 2, vectors.length))];
    }),
  );
}

describe('free-dimension claims', () => {
  it('have unique ids, statements, criteria and the sections the article uses', () => {
    const ids = freeDimensionClaims.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['n3-right-angles', 'n3-sparse-bias-regular', 'n4-exact', 'two-m-bound', 'n5-lossy-pentagon']);
    for (const c of freeDimensionClaims) {
      expect(c.statement.length).toBeGreaterThan(30);
      expect(c.criterion.length).toBeGreaterThan(30);
      expect(['free-dimensions', 'two-m-bound', 'imperfect-reconstruction']).toContain(c.section);
      expect(c.needs.length).toBeGreaterThan(0);
    }
  });

  it('two-m-bound holds on the ± basis construction and fails when n = 2m is inexact', () => {
    const good = evaluate('two-m-bound', boundRuns());
    expect(good.holds).toBe(true);
    expect(good.measured).toContain('m = 1: max over n ≤ 2 0, n = 3 0.333');
    expect(evaluate('two-m-bound', boundRuns((m, n) => m === 3 && n === 6)).holds).toBe(false);
    // Exact everywhere, even at n = 2m + 1, is not possible, but the criterion must catch it too.
    const tooGood = boundRuns();
    const beyond = boundRuns((m, n) => m === 1 && n === 3);
    for (const [id, run] of beyond) if (id.startsWith('bound-m1-n3-')) tooGood.set(id, { ...run, meta: { ...run.meta, finalLoss: 0 } });
    expect(evaluate('two-m-bound', tooGood).holds).toBe(false);
  });

  it('n4-exact holds on the square and fails when the best arrangement is not two antipodal pairs', () => {
    expect(evaluate('n4-exact', n4Runs()).holds).toBe(true);
    const tilted = sameLayout('n4', [polar(1, 0), polar(1, 92), polar(1, 180), polar(1, 270)]);
    const result = evaluate('n4-exact', tilted);
    expect(result.holds).toBe(false);
    expect(result.measured).toContain('92.0°');
  });

  it('n5-lossy-pentagon holds on the optimal pentagon and fails on an uneven one', () => {
    expect(evaluate('n5-lossy-pentagon', n5Runs()).holds).toBe(true);
    const uneven = sameLayout('n5', [polar(1, 0), polar(1, 70), polar(1, 144), polar(1, 216), polar(1, 288)]);
    expect(evaluate('n5-lossy-pentagon', uneven).holds).toBe(false);
    // A regular pentagon with a loss below the threshold (fake metadata) must fail too.
    const cheap = n5Runs();
    for (const [id, run] of cheap) cheap.set(id, { ...run, meta: { ...run.meta, finalLoss: 0.05 } });
    expect(evaluate('n5-lossy-pentagon', cheap).holds).toBe(false);
  });

  it('n3-right-angles fails when one seed has a pair closer than 90° and holds without it', () => {
    expect(evaluate('n3-right-angles', n3Runs()).holds).toBe(false);
    const fixed = N3_LAYOUTS.map((layout, seed) => (seed === 4 ? [0, 90, 220] : layout));
    const result = evaluate('n3-right-angles', n3Runs(fixed));
    expect(result.holds).toBe(true);
    expect(result.measured).toContain('90.0°');
  });

  it('n3-sparse-bias-regular holds on near-regular triangles and fails on a lopsided one', () => {
    expect(evaluate('n3-sparse-bias-regular', n3SparseBiasRuns()).holds).toBe(true);
    const lopsided = N3_BIAS_GAPS.map((gaps, seed) => (seed === 1 ? [80, 140, 140] : gaps));
    expect(evaluate('n3-sparse-bias-regular', n3SparseBiasRuns(lopsided)).holds).toBe(false);
  });
});
