import { describe, expect, it } from 'vitest';
import { hiddenVectors, identityExamples, sparseExamples, trainingExamples, testExamples } from '../../pipeline/data/datasets.ts';
import { randomStream } from '../../pipeline/data/rng.ts';
import type { RunConfig } from '../../pipeline/experiments/types.ts';

const sparseConfig = (overrides: Partial<RunConfig> = {}): RunConfig => ({
  data: { family: 'sparse', n: 200, S: 0.95, T: 300 },
  m: 2,
  bias: true,
  steps: 1,
  schedule: { kind: 'constant', lr: 1e-3 },
  weightDecay: 0,
  seed: 7,
  engine: 'fused',
  snapshots: 0,
  ...overrides,
});

describe('identity(n)', () => {
  it('holds the n standard basis vectors', () => {
    const x = identityExamples(5);
    expect(x.T).toBe(5);
    for (let t = 0; t < 5; t++) {
      expect(x.rowStart[t + 1] - x.rowStart[t]).toBe(1);
      expect(x.index[x.rowStart[t]]).toBe(t);
      expect(x.value[x.rowStart[t]]).toBe(1);
    }
  });
});

describe('sparse(n, S)', () => {
  const x = sparseExamples(200, 0.95, 2000, randomStream(1, 'data'));

  it('gives unit-norm, non-empty examples with sorted in-range indices', () => {
    const problems: string[] = [];
    for (let t = 0; t < x.T; t++) {
      const start = x.rowStart[t];
      const end = x.rowStart[t + 1];
      if (end <= start) problems.push(`example ${t} is empty`);
      let sumSquares = 0;
      for (let k = start; k < end; k++) {
        if (x.index[k] < 0 || x.index[k] >= 200) problems.push(`example ${t}: index ${x.index[k]} out of range`);
        if (k > start && x.index[k] <= x.index[k - 1]) problems.push(`example ${t}: indices not increasing`);
        if (!(x.value[k] > 0)) problems.push(`example ${t}: value ${x.value[k]} not positive`);
        sumSquares += x.value[k] * x.value[k];
      }
      if (Math.abs(sumSquares - 1) > 1e-6) problems.push(`example ${t}: squared norm ${sumSquares}`);
    }
    expect(problems).toEqual([]);
  });

  it('has non-zeros with probability 1 − S per entry, uniformly over features', () => {
    // 2000 examples × 200 entries × 0.05 ≈ 20,000 non-zeros (a few more, since empty rows are redrawn).
    const density = x.index.length / (x.T * 200);
    expect(density).toBeGreaterThan(0.048);
    expect(density).toBeLessThan(0.053);
    const firstHalf = Array.from(x.index).filter((j) => j < 100).length;
    expect(firstHalf / x.index.length).toBeGreaterThan(0.47);
    expect(firstHalf / x.index.length).toBeLessThan(0.53);
  });

  it('is dense at S = 0', () => {
    const dense = sparseExamples(10, 0, 3, randomStream(2, 'data'));
    expect(dense.index.length).toBe(30);
  });

  it('is a pure function of the seed, with independent data and test streams', () => {
    const a = trainingExamples(sparseConfig());
    const b = trainingExamples(sparseConfig());
    expect(Buffer.from(a.value.buffer).equals(Buffer.from(b.value.buffer))).toBe(true);
    expect(Array.from(a.index)).toEqual(Array.from(b.index));
    const other = trainingExamples(sparseConfig({ seed: 8 }));
    expect(Array.from(other.index.slice(0, 50))).not.toEqual(Array.from(a.index.slice(0, 50)));
    const held = testExamples(sparseConfig())!;
    expect(held.T).toBe(10_000);
    expect(Array.from(held.index.slice(0, 50))).not.toEqual(Array.from(a.index.slice(0, 50)));
  });

  it('lets dataSeed override the seed for the data stream only', () => {
    const a = trainingExamples(sparseConfig({ seed: 1, dataSeed: 5 }));
    const b = trainingExamples(sparseConfig({ seed: 5 }));
    expect(Array.from(a.index)).toEqual(Array.from(b.index));
  });
});

describe('hiddenVectors', () => {
  it('computes h = W x for each example', () => {
    const x = identityExamples(3);
    // W is 2 × 3 row-major: columns (1,0), (0,2), (-1,-1).
    const W = [1, 0, -1, 0, 2, -1];
    expect(Array.from(hiddenVectors(W, 2, x))).toEqual([1, 0, 0, 2, -1, -1]);
  });
});
