// Section 9's exact T-gon: it memorizes identity(T) with zero loss up to float rounding,
// its pre-activation matrix is circulant with only the diagonal positive, and the
// helpers that compare trained runs with it, pick the run a figure shows, and cut the
// latent plane into zones of active outputs behave as documented.
import { describe, expect, it } from 'vitest';
import { identityLoss, regularPolygon } from '../../../pipeline/analysis/geometry.ts';
import {
  agreesWithConstruction,
  compareWithConstruction,
  preActivations,
  tgonConstruction,
  tgonParameters,
} from '../../../pipeline/analysis/tgon.ts';
import { tgonClaims } from '../claims/tgons.ts';
import { activeZones, splitPolygon } from '../figures/latent-zones.ts';
import { shownRun, tgonRun } from '../measurements/tgons.ts';
import { experimentById } from '../experiments/index.ts';
import { tgonId } from '../experiments/tgons.ts';
import { fakeRun, weightsFromVectors } from './fixtures/runs.ts';

const TS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

describe('the exact T-gon construction', () => {
  it.each(TS)('memorizes identity(%i) with zero loss up to float rounding', (T) => {
    const { W, b } = tgonParameters(T);
    expect(identityLoss(W, b, 2, T)).toBeLessThan(1e-12);
  });

  it('has r² = 2 and b = −1 for the hexagon, and r² = 1/(1 − cos 2π/T) with r² + b = 1 in general', () => {
    const hexagon = tgonConstruction(6);
    expect(hexagon.r2).toBeCloseTo(2, 12);
    expect(hexagon.b).toBeCloseTo(-1, 12);
    for (const T of TS) {
      const { r2, b } = tgonConstruction(T);
      expect(r2).toBeCloseTo(1 / (1 - Math.cos((2 * Math.PI) / T)), 12);
      expect(r2 + b).toBeCloseTo(1, 12);
    }
    // Both grow like T²: r² ≈ T²/(2π²) for large T.
    expect(tgonConstruction(1000).r2 / (1000 ** 2 / (2 * Math.PI ** 2))).toBeCloseTo(1, 4);
    expect(() => tgonConstruction(2)).toThrow(/T must be an integer ≥ 3/);
  });

  it.each(TS)('gives a circulant WᵀW + b for T = %i: own output exactly 1, neighbours exactly 0, nothing else positive', (T) => {
    const { W, b } = tgonParameters(T);
    const M = preActivations(W, b, T);
    for (let j = 0; j < T; j++) {
      for (let k = 0; k < T; k++) {
        const value = M[j * T + k];
        expect(value).toBeCloseTo(M[((j + 1) % T) * T + ((k + 1) % T)], 12); // circulant
        const distance = Math.min((j - k + T) % T, (k - j + T) % T);
        if (distance === 0) expect(value).toBeCloseTo(1, 12);
        else if (distance === 1) expect(Math.abs(value)).toBeLessThan(1e-12);
        else expect(value).toBeLessThan(0);
      }
    }
  });

  it('is the smallest member of the exact family: a larger radius with b = 1 − r² is exact too, a smaller one is not', () => {
    const T = 8;
    const { r2 } = tgonConstruction(T);
    const family = (s: number) => {
      const W = weightsFromVectors(regularPolygon(T, Math.sqrt(s)));
      return identityLoss(W, new Float64Array(T).fill(1 - s), 2, T);
    };
    expect(family(1.3 * r2)).toBeLessThan(1e-12);
    expect(family(0.9 * r2)).toBeGreaterThan(1e-3);
  });
});

describe('comparing a trained run with the construction', () => {
  it('finds zero deviation for the construction itself and measures b against r²', () => {
    const { W, b } = tgonParameters(4);
    const exact = compareWithConstruction(W, b, 4);
    expect(exact.r2Deviation).toBeCloseTo(0, 12);
    expect(exact.bDeviation).toBeCloseTo(0, 12);
    expect(agreesWithConstruction(exact)).toBe(true);
    // T = 4 has b = 0: a bias of 0.03 is 3 % of r² = 1, outside the 2 % band.
    const off = compareWithConstruction(W, new Float64Array(4).fill(0.03), 4);
    expect(off.bDeviation).toBeCloseTo(0.03, 12);
    expect(agreesWithConstruction(off)).toBe(false);
  });
});

function fake(T: number, seed: number, vectors: readonly (readonly [number, number])[], b: number[], loss: number) {
  return tgonRun(fakeRun(experimentById(tgonId(T, seed)), weightsFromVectors(vectors), Float32Array.from(b), loss));
}

describe('the run a figure shows', () => {
  const T = 6;
  const { r2, b } = tgonConstruction(T);
  const even = (seed: number) => fake(T, seed, regularPolygon(T, Math.sqrt(r2), 0.1 * seed), Array(T).fill(b), 1e-12);
  const uneven = (seed: number, shift: number) => {
    const vectors = regularPolygon(T, Math.sqrt(r2)).map((v, i) => (i === 0 ? ([Math.cos(shift) * v[0], Math.sin(shift) * Math.hypot(...v)] as const) : v));
    return fake(T, seed, vectors, Array(T).fill(b), 0.2);
  };

  it('is the lowest even seed when there is one', () => {
    const chosen = shownRun([uneven(0, 0.5), even(3), even(1)].sort((a, c) => a.seed - c.seed));
    expect(chosen.seed).toBe(1);
    expect(chosen.classification.outcome).toBe('even');
    expect(chosen.agrees).toBe(true);
  });

  it('is the most regular run when no seed is even', () => {
    const chosen = shownRun([uneven(0, 0.9), uneven(1, 0.4), uneven(2, 0.7)]);
    expect(chosen.seed).toBe(1);
    expect(chosen.classification.outcome).not.toBe('even');
  });
});

describe('zones of active outputs', () => {
  it('splits a square by a line into two convex parts of the right areas', () => {
    const square: [number, number][] = [[-1, -1], [1, -1], [1, 1], [-1, 1]];
    const { positive, negative } = splitPolygon(square, [1, 0], -0.5);
    const area = (p: readonly (readonly [number, number])[]) => Math.abs(p.reduce((s, q, i) => s + q[0] * p[(i + 1) % p.length][1] - p[(i + 1) % p.length][0] * q[1], 0)) / 2;
    expect(area(positive)).toBeCloseTo(1, 12); // x > 0.5: a 0.5 × 2 strip
    expect(area(negative)).toBeCloseTo(3, 12);
  });

  it('tiles the plane for the hexagon: 6 own-output zones, the central zone with nothing active', () => {
    const { W, b } = tgonParameters(6);
    const vectors = regularPolygon(6, Math.SQRT2);
    const zones = activeZones(vectors, b, 3);
    const total = zones.reduce((s, z) => s + Math.abs(z.polygon.reduce((a, q, i) => a + q[0] * z.polygon[(i + 1) % z.polygon.length][1] - z.polygon[(i + 1) % z.polygon.length][0] * q[1], 0)) / 2, 0);
    expect(total).toBeCloseTo(36, 9);
    expect(zones.filter((z) => z.active.length === 1)).toHaveLength(6);
    expect(zones.filter((z) => z.active.length === 0)).toHaveLength(1);
    expect(W.length).toBe(12);
  });
});

describe('T-gon claims', () => {
  it('the construction claim holds from exact geometry alone', () => {
    const claim = tgonClaims.find((c) => c.id === 'tgon-construction-exact')!;
    expect(claim.needs).toEqual([]);
    expect(claim.evaluate(new Map()).holds).toBe(true);
  });
});
