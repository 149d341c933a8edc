// This post's own unit tests (vitest runs content/*/tests/**/*.test.ts): measurements
// checked on constructed states, where the answer is known without training.
import { describe, expect, it } from 'vitest';
import { arrangement } from '../measurements.ts';

describe('arrangement', () => {
  it('finds four right angles in the square W = [e₁, e₂, −e₁, −e₂]', () => {
    // Row-major m × n: row 0 holds the x coordinates of W₁…W₄, row 1 the y coordinates.
    const a = arrangement([1, 0, -1, 0, 0, 1, 0, -1], 4);
    expect(a.norms).toEqual([1, 1, 1, 1]);
    for (const gap of a.gapsDegrees) expect(gap).toBeCloseTo(90, 10);
  });
});
