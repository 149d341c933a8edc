/**
 * AdamW with PyTorch's semantics (torch.optim.AdamW, amsgrad off): decoupled decay
 * p ← p·(1 − lr·λ) first, then the bias-corrected Adam step
 * p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε).
 * Parameters and moments are float32, as in PyTorch; each update is computed in
 * float64 and rounded once when stored.
 */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

export interface AdamState {
  /** First and second moment estimates, one per parameter. */
  m: Float32Array;
  v: Float32Array;
}

export function newAdamState(size: number): AdamState {
  return { m: new Float32Array(size), v: new Float32Array(size) };
}

/** The per-step scalars of the update, shared by this reference and the WebAssembly kernel (adamwWasm.ts). */
export function adamwScalars(step: number, lr: number, weightDecay: number): { decay: number; stepSize: number; sqrtCorrection2: number } {
  return { decay: 1 - lr * weightDecay, stepSize: lr / (1 - ADAM_BETA1 ** step), sqrtCorrection2: Math.sqrt(1 - ADAM_BETA2 ** step) };
}

/**
 * One AdamW update of `param` in place. `step` is 1-based (the count of updates
 * including this one), as PyTorch's bias correction expects. Training runs the same
 * arithmetic in WebAssembly (adamwWasm.ts, tested bitwise equal to this).
 */
export function adamwUpdate(
  param: Float32Array,
  grad: ArrayLike<number>,
  state: AdamState,
  step: number,
  lr: number,
  weightDecay: number,
  eps: number = ADAM_EPS,
): void {
  const { decay, stepSize, sqrtCorrection2 } = adamwScalars(step, lr, weightDecay);
  const { m, v } = state;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = ADAM_BETA1 * m[i] + (1 - ADAM_BETA1) * g;
    const vi = ADAM_BETA2 * v[i] + (1 - ADAM_BETA2) * g * g;
    m[i] = mi;
    v[i] = vi;
    // Read back the stored float32 moments so the update uses exactly what PyTorch would.
    param[i] = param[i] * decay - (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtCorrection2 + eps);
  }
}
