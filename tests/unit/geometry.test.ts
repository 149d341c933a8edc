import { describe, expect, it } from 'vitest';
import {
  EVEN_THRESHOLDS,
  angularGaps,
  compareRegularity,
  distinctPointCount,
  featureVectors,
  identityLoss,
  irregularity,
  isEvenlySpaced,
  polarAngle,
  projectedHypercube,
  regularPolygon,
  regularity,
  type Vec2,
} from '../../pipeline/analysis/geometry.ts';

const deg = (d: number): number => (d * Math.PI) / 180;
const polar = (r: number, d: number): Vec2 => [r * Math.cos(deg(d)), r * Math.sin(deg(d))];

describe('featureVectors', () => {
  it('reads column i of a row-major 2 × n matrix', () => {
    const W = Float32Array.of(1, 2, 3, 4, 5, 6); // rows (1,2,3) and (4,5,6)
    expect(featureVectors(W, 2, 3)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
  it('refuses m ≠ 2 and a wrong size', () => {
    expect(() => featureVectors(new Float32Array(9), 3, 3)).toThrow(/m = 2/);
    expect(() => featureVectors(new Float32Array(5), 2, 3)).toThrow(/expected 6/);
  });
});

describe('angles', () => {
  it('polar angles lie in [0, 2π)', () => {
    expect(polarAngle([1, 0])).toBe(0);
    expect(polarAngle([0, -1])).toBeCloseTo(1.5 * Math.PI, 12);
  });
  it('gaps run counter-clockwise from the start vector and sum to 2π', () => {
    const vectors = [polar(1, 10), polar(1, 250), polar(1, 100)];
    const { order, gaps } = angularGaps(vectors, 1);
    expect(order).toEqual([1, 0, 2]);
    expect(gaps.map((g) => (g * 180) / Math.PI)).toEqual([
      expect.closeTo(120, 9),
      expect.closeTo(90, 9),
      expect.closeTo(150, 9),
    ]);
    expect(gaps.reduce((a, b) => a + b, 0)).toBeCloseTo(2 * Math.PI, 12);
  });
});

describe('regularity', () => {
  it.each([3, 4, 5, 8, 30])('an exact regular %i-gon scores (1, 1) and is even', (k) => {
    const score = regularity(regularPolygon(k, 2.5, 0.7));
    expect(score.count).toBe(k);
    expect(score.normRatio).toBeCloseTo(1, 12);
    expect(score.gapRatio).toBeCloseTo(1, 12);
    expect(score.dead).toEqual([]);
    expect(isEvenlySpaced(score)).toBe(true);
  });

  it('order of the vectors does not matter', () => {
    const hexagon = regularPolygon(6);
    expect(regularity([...hexagon].reverse())).toEqual(regularity(hexagon));
  });

  it('a vertex moved by a third of the spacing breaks the gap threshold', () => {
    const octagon = regularPolygon(8).map((v, j) => (j === 3 ? polar(1, 3 * 45 + 15) : v));
    const score = regularity(octagon);
    expect(score.normRatio).toBeCloseTo(1, 12);
    expect(score.gapRatio).toBeCloseTo(60 / 45, 9);
    expect(isEvenlySpaced(score)).toBe(false);
  });

  it('a small jitter stays even', () => {
    const octagon = regularPolygon(8).map((v, j) => (j === 3 ? polar(1.03, 3 * 45 + 4) : v));
    expect(isEvenlySpaced(regularity(octagon))).toBe(true);
  });

  it('two radii fail the norm ratio even when the angles are perfect', () => {
    const twoCircles = regularPolygon(6).map((v, j) => (j % 2 ? ([0.7 * v[0], 0.7 * v[1]] as Vec2) : v));
    const score = regularity(twoCircles);
    expect(score.normRatio).toBeCloseTo(0.7, 6);
    expect(score.gapRatio).toBeCloseTo(1, 9);
    expect(score.normRatio).toBeLessThan(EVEN_THRESHOLDS.minNormRatio);
    expect(isEvenlySpaced(score)).toBe(false);
  });

  it('dead vectors are listed apart, not counted as vertices, and make the arrangement uneven', () => {
    const square = regularPolygon(4);
    const score = regularity([square[0], [1e-5, 0], square[1], square[2], square[3], [0, 0]]);
    expect(score.dead).toEqual([1, 5]);
    expect(score.count).toBe(4);
    expect(score.normRatio).toBeCloseTo(1, 12);
    expect(score.gapRatio).toBeCloseTo(1, 12);
    expect(isEvenlySpaced(score)).toBe(false);
  });

  it('all-zero input has no live vectors', () => {
    const score = regularity([
      [0, 0],
      [0, 0],
    ]);
    expect(score.count).toBe(0);
    expect(isEvenlySpaced(score)).toBe(false);
    expect(irregularity(score)).toBe(Infinity);
  });

  it('irregularity is 1 exactly at a threshold', () => {
    const atThreshold = { count: 5, normRatio: EVEN_THRESHOLDS.minNormRatio, gapRatio: 1, dead: [] };
    expect(irregularity(atThreshold)).toBeCloseTo(1, 12);
  });

  it('compareRegularity sorts most regular first, dead vectors last', () => {
    const even = regularity(regularPolygon(5));
    const jittered = regularity(regularPolygon(5).map((v, j) => (j === 0 ? polar(0.95, 5) : v)));
    const twoRadii = regularity(regularPolygon(6).map((v, j) => (j % 2 ? ([0.5 * v[0], 0.5 * v[1]] as Vec2) : v)));
    const withDead = regularity([...regularPolygon(4), [0, 0]]);
    const sorted = [withDead, twoRadii, even, jittered].sort(compareRegularity);
    expect(sorted).toEqual([even, jittered, twoRadii, withDead]);
  });
});

describe('projected hypercube', () => {
  it.each([1, 2, 3, 4, 5, 7])('the %i-cube has 2^n vertices and n·2^(n−1) edges, each along one axis', (n) => {
    const vectors = regularPolygon(n, 1, 0.1);
    const cube = projectedHypercube(vectors);
    expect(cube.vertices).toHaveLength(2 ** n);
    expect(cube.edges).toHaveLength(n * 2 ** (n - 1));
    for (const { from, to, axis } of cube.edges) {
      expect(to - from).toBe(1 << axis);
      // An edge along axis i is a copy of W_i.
      expect(cube.vertices[to][0] - cube.vertices[from][0]).toBeCloseTo(vectors[axis][0], 12);
      expect(cube.vertices[to][1] - cube.vertices[from][1]).toBeCloseTo(vectors[axis][1], 12);
    }
  });

  it('two orthogonal antipodal pairs project the 4-cube onto a 3 × 3 grid', () => {
    const cube = projectedHypercube([
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ]);
    const keys = new Set(cube.vertices.map(([x, y]) => `${x},${y}`));
    expect([...keys].sort()).toEqual(['-1,-1', '-1,0', '-1,1', '0,-1', '0,0', '0,1', '1,-1', '1,0', '1,1']);
    expect(distinctPointCount(cube.vertices, 1e-9)).toBe(9);
    // The centre (0, 0) is hit by s = 0000, 1010, 0101 and 1111.
    expect(cube.vertices.filter(([x, y]) => x === 0 && y === 0)).toHaveLength(4);
    expect(cube.vertices[0b1111]).toEqual([0, 0]);
  });
});

describe('identityLoss', () => {
  it('is 0 for the exact square and 1 for W = 0', () => {
    const square = regularPolygon(4);
    const W = Float64Array.from([...square.map((v) => v[0]), ...square.map((v) => v[1])]);
    expect(identityLoss(W, new Float64Array(4), 2, 4)).toBeCloseTo(0, 12);
    expect(identityLoss(new Float64Array(8), new Float64Array(4), 2, 4)).toBe(1);
  });
  it('matches the closed form for a unit pentagon: (1/5)·5·2cos²72°', () => {
    const pentagon = regularPolygon(5);
    const W = Float64Array.from([...pentagon.map((v) => v[0]), ...pentagon.map((v) => v[1])]);
    expect(identityLoss(W, new Float64Array(5), 2, 5)).toBeCloseTo(2 * Math.cos(deg(72)) ** 2, 12);
  });
});
