/**
 * The section 5–8 claims on synthetic runs: each holds on runs built to satisfy it and
 * fails on runs built to break its criterion.
 */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../pipeline/post/claim.ts';
import type { RunSet } from '../../../pipeline/post/figure.ts';
import type { LoadedRun } from '../../../pipeline/store/types.ts';
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
    expect(ids).toEqual(['n3-right-angles', 'n3-sparse-bias-regular', 'n4-exact', 'two-m-bound', 'two-m-bound-reached', 'n5-lossy-pentagon']);
    for (const c of freeDimensionClaims) {
      expect(c.statement.length).toBeGreaterThan(30);
      expect(c.criterion.length).toBeGreaterThan(30);
      expect(['free-dimensions', 'two-m-bound', 'imperfect-reconstruction']).toContain(c.section);
      expect(c.needs.length).toBeGreaterThan(0);
    }
  });

  it('two-m-bound holds unless some seed reaches zero loss at n = 2m + 1', () => {
    const good = evaluate('two-m-bound', boundRuns());
    expect(good.holds).toBe(true);
    expect(good.measured).toContain('m = 1: lowest of the seeds at n = 3 0.333');
    // An inexact n = 2m does not touch the bound itself.
    expect(evaluate('two-m-bound', boundRuns((m, n) => m === 3 && n === 6)).holds).toBe(true);
    // Exact at n = 2m + 1 is not possible, but the criterion must catch it.
    const tooGood = boundRuns();
    const beyond = boundRuns((m, n) => m === 1 && n === 3);
    for (const [id, run] of beyond) if (id.startsWith('bound-m1-n3-')) tooGood.set(id, { ...run, meta: { ...run.meta, finalLoss: 0 } });
    expect(evaluate('two-m-bound', tooGood).holds).toBe(false);
  });

  it('two-m-bound-reached needs every seed exact up to n = 2m, not only the best', () => {
    // The fixture makes only seed 0 exact; copy its tensors to every seed for the all-exact case.
    const everySeed = (runs: Map<string, LoadedRun>) =>
      new Map([...runs].map(([id, run]) => [id, { ...runs.get(id.replace(/seed\d+$/, 'seed0'))!, experiment: run.experiment }]));
    expect(evaluate('two-m-bound-reached', everySeed(boundRuns())).holds).toBe(true);
    expect(evaluate('two-m-bound-reached', boundRuns()).holds).toBe(false);
    const stuck = evaluate('two-m-bound-reached', everySeed(boundRuns((m, n) => m === 3 && n === 6)));
    expect(stuck.holds).toBe(false);
    expect(stuck.measured).toMatch(/m = 3: \d+ of \d+ runs exact \(not: n = 6 seed 0/);
  });

  it('n4-exact holds when every seed is the square and fails when one seed is not', () => {
    expect(evaluate('n4-exact', sameLayout('n4', [polar(1, 10), polar(1, 100), polar(1, 190), polar(1, 280)])).holds).toBe(true);
    // The fixture's seeds are mostly worse than the square: judged over all seeds, the claim fails.
    const mixed = evaluate('n4-exact', n4Runs());
    expect(mixed.holds).toBe(false);
    expect(mixed.measured).toMatch(/^2 of 5 seeds/);
    const tilted = sameLayout('n4', [polar(1, 0), polar(1, 92), polar(1, 180), polar(1, 270)]);
    const result = evaluate('n4-exact', tilted);
    expect(result.holds).toBe(false);
    expect(result.measured).toContain('2.00°');
  });

  it('n5-lossy-pentagon holds when every seed is the optimal pentagon and fails on an uneven one', () => {
    const optimal = n5Runs().get('n5-seed3')!;
    const allOptimal = new Map([0, 1, 2, 3, 4].map((seed) => [`n5-seed${seed}`, { ...optimal, experiment: experimentById(`n5-seed${seed}`) }]));
    expect(evaluate('n5-lossy-pentagon', allOptimal).holds).toBe(true);
    expect(evaluate('n5-lossy-pentagon', n5Runs()).holds).toBe(false);
    const uneven = sameLayout('n5', [polar(1, 0), polar(1, 70), polar(1, 144), polar(1, 216), polar(1, 288)]);
    expect(evaluate('n5-lossy-pentagon', uneven).holds).toBe(false);
    // A regular pentagon with a loss below the threshold (fake metadata) must fail too.
    const cheap = new Map([...allOptimal].map(([id, run]) => [id, { ...run, meta: { ...run.meta, finalLoss: 0.05 } }]));
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
