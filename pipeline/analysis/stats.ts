/**
 * Binomial proportions with confidence intervals, for outcome fractions over seed sweeps.
 */

/** z for a two-sided 95 % interval (the 0.975 quantile of the standard normal). */
export const Z95 = 1.959963984540054;

export interface Proportion {
  successes: number;
  trials: number;
  /** successes / trials (0 when there are no trials). */
  fraction: number;
  /** Wilson score interval. */
  low: number;
  high: number;
}

/**
 * Wilson score interval for k successes in n trials:
 * centre (p + z²/2n) / (1 + z²/n), half-width z √(p(1 − p)/n + z²/4n²) / (1 + z²/n).
 * Unlike the normal ("Wald") interval it stays inside [0, 1] and does not collapse to a
 * point at k = 0 or k = n, which matters here: many sweep points count 0 or all seeds.
 */
export function wilson(successes: number, trials: number, z = Z95): Proportion {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || trials < 0 || successes > trials) {
    throw new Error(`wilson: need integers 0 ≤ successes ≤ trials, got ${successes}/${trials}`);
  }
  if (trials === 0) return { successes, trials, fraction: 0, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // At k = 0 (k = n) the lower (upper) end is exactly 0 (1); the formula reaches it only up to round-off.
  const low = successes === 0 ? 0 : Math.max(0, centre - half);
  const high = successes === trials ? 1 : Math.min(1, centre + half);
  return { successes, trials, fraction: p, low, high };
}
