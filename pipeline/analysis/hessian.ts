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

/**
 * The smallest exact hexagon, r² = 1/(1 − cos(2π/(n − 1))) (r² = 2, b = −1 for n = 7), is
 * where weight decay pulls a trained symmetric failure, and there every neighbour's output
 * sits exactly on its ReLU kink (W_jᵀW_i + b_j = 0). The loss is still once differentiable
 * (ReLU(z)² has slope 0 at z = 0 from both sides) but its second derivative jumps, so a
 * central-difference Hessian averages the two sides and can hide a descent direction.
 * The test that holds there is one-sided: along a unit direction d,
 *   L(p + t d) = L(p) + t ∇L·d + (t²/2) Q(d) + o(t²),
 * and p is a second-order local minimum only if ∇L = 0 and Q(d) ≥ 0 for every d.
 *
 * Exactly, with P_ij = W_iᵀW_j + b_i (output i on example j), a_ij = dW_iᵀW_j + W_iᵀdW_j + db_i
 * and c_ij = dW_iᵀdW_j:  Q(d) = (2/n) Σ over active terms (P_ij > 0) of a_ij² + 2(P_ij − δ_ij) c_ij,
 * plus (2/n) Σ over kink terms (P_ij = 0, target 0) of max(a_ij, 0)². Q is once
 * differentiable in d, so it is minimised over the unit sphere by projected gradient
 * descent with its exact gradient, from fixed pseudo-random starts (deterministic).
 */
export interface OneSidedCurvature {
  /** r² of the live features in the analysed state. */
  r2: number;
  loss: number;
  /** ‖∇L‖ (0 at a stationary point). */
  gradientNorm: number;
  /** Outputs sitting exactly on their kink (P_ij = 0 with target 0). */
  kinkTerms: number;
  /** min over unit d of Q(d); negative means the loss falls along d to second order. */
  minCurvature: number;
  /** Q(−d) for the minimising d: the other side of the kink. */
  oppositeCurvature: number;
  /** Loss change L(p + s d) − L(p) along the minimising direction, at step s = `step` (checks Q on the real loss). */
  lossChange: number;
  step: number;
  /** Share of the minimising direction in the dead feature's W (‖d_W‖ of feature n); the rest moves the live features and the biases. */
  deadShare: number;
}

/** A term is on its kink when |P_ij| is below this (exact states are built in float64). */
const KINK = 1e-12;

export function oneSidedCurvature(n: number, r2: number, options: { starts?: number; step?: number } = {}): OneSidedCurvature {
  const step = options.step ?? 0.1;
  const starts = options.starts ?? 16;
  const p = symmetricFailureState(n, r2);
  const d0 = 3 * n;
  const Wx = (q: ArrayLike<number>, i: number) => q[i];
  const Wy = (q: ArrayLike<number>, i: number) => q[n + i];
  const P = (i: number, j: number) => Wx(p, i) * Wx(p, j) + Wy(p, i) * Wy(p, j) + p[2 * n + i];
  const kinds: ('active' | 'kink' | 'off')[][] = [];
  let kinkTerms = 0;
  for (let i = 0; i < n; i++) {
    kinds.push([]);
    for (let j = 0; j < n; j++) {
      const v = P(i, j);
      if (Math.abs(v) < KINK) {
        if (i === j) throw new Error('oneSidedCurvature: an output with target 1 sits on its kink; the loss is not differentiable there');
        kinds[i].push('kink');
        kinkTerms++;
      } else kinds[i].push(v > 0 ? 'active' : 'off');
    }
  }
  const gradient = new Float64Array(d0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (kinds[i][j] !== 'active') continue;
      const e = (2 / n) * (P(i, j) - (i === j ? 1 : 0));
      gradient[i] += e * Wx(p, j);
      gradient[n + i] += e * Wy(p, j);
      gradient[j] += e * Wx(p, i);
      gradient[n + j] += e * Wy(p, i);
      gradient[2 * n + i] += e;
    }
  }
  /** Q(d) and its gradient in d (d need not be unit; Q is homogeneous of degree 2). */
  const curvature = (d: Float64Array, grad?: Float64Array): number => {
    let q = 0;
    grad?.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const kind = kinds[i][j];
        if (kind === 'off') continue;
        const a = Wx(d, i) * Wx(p, j) + Wy(d, i) * Wy(p, j) + Wx(p, i) * Wx(d, j) + Wy(p, i) * Wy(d, j) + d[2 * n + i];
        let da = 0;
        if (kind === 'kink') {
          const plus = Math.max(a, 0);
          q += plus * plus;
          da = 2 * plus;
        } else {
          const c = Wx(d, i) * Wx(d, j) + Wy(d, i) * Wy(d, j);
          const e = P(i, j) - (i === j ? 1 : 0);
          q += a * a + 2 * e * c;
          da = 2 * a;
          if (grad) {
            grad[i] += 2 * e * Wx(d, j);
            grad[n + i] += 2 * e * Wy(d, j);
            grad[j] += 2 * e * Wx(d, i);
            grad[n + j] += 2 * e * Wy(d, i);
          }
        }
        if (grad && da !== 0) {
          grad[i] += da * Wx(p, j);
          grad[n + i] += da * Wy(p, j);
          grad[j] += da * Wx(p, i);
          grad[n + j] += da * Wy(p, i);
          grad[2 * n + i] += da;
        }
      }
    }
    if (grad) for (let k = 0; k < d0; k++) grad[k] *= 2 / n;
    return (2 / n) * q;
  };
  const normalize = (d: Float64Array) => {
    const norm = Math.hypot(...d);
    for (let k = 0; k < d0; k++) d[k] /= norm;
    return d;
  };
  let seed = 12345;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  let best = Infinity;
  let bestD: Float64Array<ArrayBufferLike> = new Float64Array(d0);
  const grad = new Float64Array(d0);
  for (let start = 0; start < starts; start++) {
    let d = normalize(Float64Array.from({ length: d0 }, random));
    let q = curvature(d, grad);
    let rate = 0.05;
    for (let iteration = 0; iteration < 5000 && rate > 1e-12; iteration++) {
      // Riemannian gradient: drop the radial part, step, renormalise.
      let radial = 0;
      for (let k = 0; k < d0; k++) radial += grad[k] * d[k];
      const candidate = normalize(Float64Array.from(d, (x, k) => x - rate * (grad[k] - radial * x)));
      const candidateGrad = new Float64Array(d0);
      const qc = curvature(candidate, candidateGrad);
      if (qc < q) {
        d = candidate;
        q = qc;
        grad.set(candidateGrad);
        rate *= 1.5;
      } else rate *= 0.5;
    }
    if (q < best) {
      best = q;
      bestD = d;
    }
  }
  const loss = (q: Float64Array) => identityLoss(q.subarray(0, 2 * n), q.subarray(2 * n), 2, n);
  const moved = Float64Array.from(p, (x, k) => x + step * bestD[k]);
  return {
    r2,
    loss: loss(p),
    gradientNorm: Math.hypot(...gradient),
    kinkTerms,
    minCurvature: best,
    oppositeCurvature: curvature(Float64Array.from(bestD, (x) => -x)),
    lossChange: loss(moved) - loss(p),
    step,
    deadShare: Math.hypot(bestD[n - 1], bestD[2 * n - 1]),
  };
}
