/**
 * Curvature of the identity(n), m = 2 loss at the symmetric failure: is it a local
 * minimum? Central-difference Hessian of geometry.ts's exact identityLoss over all 3n
 * parameters (W row 0, W row 1, b), and its eigenvalues by cyclic Jacobi rotations.
 */
import { identityLoss } from './geometry.ts';

/** Parameters of the analytic symmetric failure: n − 1 features evenly spaced on radius² r2 with b = 1 − r2, feature n at 0 with b = 1/n. */
export function symmetricFailureState(n: number, r2: number, phase = 0.1): Float64Array {
  const p = new Float64Array(3 * n);
  const r = Math.sqrt(r2);
  for (let k = 0; k < n - 1; k++) {
    const a = phase + (2 * Math.PI * k) / (n - 1);
    p[k] = r * Math.cos(a);
    p[n + k] = r * Math.sin(a);
    p[2 * n + k] = 1 - r2;
  }
  p[2 * n + n - 1] = 1 / n;
  return p;
}

export function numericHessian(f: (p: Float64Array) => number, p: Float64Array, h = 1e-4): number[][] {
  const d = p.length;
  const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const at = (i: number, a: number, j: number, b: number) => {
    const q = p.slice();
    q[i] += a;
    q[j] += b;
    return f(q);
  };
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h);
      H[i][j] = v;
      H[j][i] = v;
    }
  }
  return H;
}

/** Eigenvalues of a symmetric matrix (cyclic Jacobi), ascending. */
export function symmetricEigenvalues(matrix: readonly (readonly number[])[]): number[] {
  const A = matrix.map((row) => [...row]);
  const d = A.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) off += A[i][j] * A[i][j];
    if (off < 1e-22) break;
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) {
        if (Math.abs(A[i][j]) < 1e-300) continue;
        const theta = 0.5 * Math.atan2(2 * A[i][j], A[j][j] - A[i][i]);
        const c = Math.cos(theta);
        const s = Math.sin(theta);
        for (let k = 0; k < d; k++) {
          const aki = A[k][i];
          const akj = A[k][j];
          A[k][i] = c * aki - s * akj;
          A[k][j] = s * aki + c * akj;
        }
        for (let k = 0; k < d; k++) {
          const aik = A[i][k];
          const ajk = A[j][k];
          A[i][k] = c * aik - s * ajk;
          A[j][k] = s * aik + c * ajk;
        }
      }
    }
  }
  return A.map((row, i) => row[i]).sort((a, b) => a - b);
}

/** Eigenvalues below this count as negative: far above central-difference error (~h² · 4th derivative ≈ 10⁻⁸). */
export const NEGATIVE_CURVATURE = -1e-5;

export interface FailureCurvature {
  /** Smallest eigenvalue of the full Hessian. */
  min: number;
  /** Number of eigenvalues below NEGATIVE_CURVATURE. */
  negative: number;
  /** Smallest eigenvalue of the 2 × 2 block of the dead feature's W alone (everything else held fixed). */
  deadBlockMin: number;
}

/**
 * Curvature at the analytic symmetric failure. r2 must exceed 1/(1 − cos(2π/(n − 1))) so
 * that no neighbour sits on a ReLU kink (there the Hessian is undefined).
 */
export function symmetricFailureHessian(n: number, r2: number): FailureCurvature {
  const p = symmetricFailureState(n, r2);
  const H = numericHessian((q) => identityLoss(q.subarray(0, 2 * n), q.subarray(2 * n), 2, n), p);
  const eig = symmetricEigenvalues(H);
  const i = n - 1;
  const j = 2 * n - 1;
  const block = symmetricEigenvalues([
    [H[i][i], H[i][j]],
    [H[j][i], H[j][j]],
  ]);
  return { min: eig[0], negative: eig.filter((x) => x < NEGATIVE_CURVATURE).length, deadBlockMin: block[0] };
}
