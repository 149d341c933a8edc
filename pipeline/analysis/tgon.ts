/**
 * The symmetric T-gon that memorizes identity(T) exactly with m = 2 and a bias
 * (section 9), and how a trained run compares with it.
 *
 * Put column k at angle 2πk/T on a circle of radius r and give every feature the same
 * bias b. On input e_k the hidden vector is W_k, and output j is ReLU(r² cos(2π(j−k)/T) + b).
 * Output k must be 1: r² + b = 1. The largest wrong output comes from the two
 * neighbours (the cosine is largest one step away), so they must be clipped:
 * r² cos(2π/T) + b ≤ 0. Together: r² ≥ 1/(1 − cos(2π/T)), b = 1 − r². The construction
 * takes the boundary case, where the neighbours sit exactly at zero; it is the exact
 * solution of smallest ‖W‖² + ‖b‖², the one weight decay selects.
 */
import { regularPolygon, type Vec2 } from './geometry.ts';

export interface TgonConstruction {
  T: number;
  /** Squared radius 1/(1 − cos(2π/T)). */
  r2: number;
  /** Common bias −r² cos(2π/T) = 1 − r². */
  b: number;
}

export function tgonConstruction(T: number): TgonConstruction {
  if (!Number.isInteger(T) || T < 3) throw new Error(`tgonConstruction: T must be an integer ≥ 3, got ${T}`);
  const c = Math.cos((2 * Math.PI) / T);
  const r2 = 1 / (1 - c);
  return { T, r2, b: -r2 * c };
}

/** The construction as model parameters: W (2 × T, row-major) and b (length T). */
export function tgonParameters(T: number): { W: Float64Array; b: Float64Array } {
  const { r2, b } = tgonConstruction(T);
  const columns: Vec2[] = regularPolygon(T, Math.sqrt(r2));
  const W = new Float64Array(2 * T);
  columns.forEach(([x, y], k) => {
    W[k] = x;
    W[T + k] = y;
  });
  return { W, b: new Float64Array(T).fill(b) };
}

/** WᵀW + b (T × T, row-major, entry [j, k] = W_jᵀW_k + b_j): the pre-activation of output j on input e_k. */
export function preActivations(W: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const m = W.length / n;
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      let dot = b[j];
      for (let r = 0; r < m; r++) dot += W[r * n + j] * W[r * n + k];
      out[j * n + k] = dot;
    }
  }
  return out;
}

/**
 * How a trained run's parameters compare with the construction of the same T: the mean
 * squared column norm and the mean bias, and their deviations. The r² deviation is
 * relative; the bias deviation is measured in units of the construction's r², because the
 * construction's b passes through 0 at T = 4 (cos(π/2) = 0), where a relative error of b
 * means nothing. Both are 0 for the exact construction.
 */
export interface ConstructionComparison {
  trainedR2: number;
  trainedB: number;
  /** trainedR2 / r2 − 1. */
  r2Deviation: number;
  /** (trainedB − b) / r2. */
  bDeviation: number;
}

/** The agreement the article asks of a trained T-gon classified even: both deviations within 2 %. */
export const CONSTRUCTION_TOLERANCE = 0.02;

export function compareWithConstruction(W: ArrayLike<number>, b: ArrayLike<number>, T: number): ConstructionComparison {
  const construction = tgonConstruction(T);
  let r2Sum = 0;
  let bSum = 0;
  for (let k = 0; k < T; k++) {
    r2Sum += W[k] * W[k] + W[T + k] * W[T + k];
    bSum += b[k];
  }
  const trainedR2 = r2Sum / T;
  const trainedB = bSum / T;
  return {
    trainedR2,
    trainedB,
    r2Deviation: trainedR2 / construction.r2 - 1,
    bDeviation: (trainedB - construction.b) / construction.r2,
  };
}

export function agreesWithConstruction(comparison: ConstructionComparison, tolerance = CONSTRUCTION_TOLERANCE): boolean {
  return Math.abs(comparison.r2Deviation) <= tolerance && Math.abs(comparison.bDeviation) <= tolerance;
}
