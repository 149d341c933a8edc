// AssemblyScript source of the AdamW update in WebAssembly (compiled to adamw.wasm by
// `npm run build:kernel -- adamw`; the bytes are committed in adamw.wasm.ts).
// The reference is adamwUpdate in ../adamw.ts: every lane performs its float64 operations
// in the same order, with the same float32 rounding of the stored moments and parameter,
// and no fused multiply-add, so the result is bitwise the same. Two parameters per f64x2
// vector; lanes never mix. Every pointer argument is a byte offset.

// @ts-nocheck

@inline function pairAt(p: usize): v128 {
  // two consecutive float32 values, widened to float64
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

@inline function storePair(p: usize, x: v128): void {
  // two float64 values, each rounded to float32 (as a Float32Array store rounds), stored
  v128.store64_lane(p, f32x4.demote_f64x2_zero(x), 0);
}

@inline function roundedToF32(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}

/**
 * param, m, v: float32 arrays; grad: float64; count parameters. beta1, oneMinusBeta1, beta2,
 * oneMinusBeta2, decay, stepSize, sqrtCorrection2 and eps are the scalars adamwUpdate uses,
 * computed by the caller exactly as it computes them. Each gradient is divided by
 * gradDivisor as it is read, unless that is 1 (the 'mean' loss convention's n): the result
 * is adamwUpdate's for the divided gradients.
 */
export function adamw(
  param: usize, m: usize, v: usize, grad: usize, count: i32,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64,
  decay: f64, stepSize: f64, sqrtCorrection2: f64, eps: f64, gradDivisor: f64,
): void {
  const divide = gradDivisor != 1.0;
  const gd = f64x2.splat(gradDivisor);
  const b1 = f64x2.splat(beta1), c1 = f64x2.splat(oneMinusBeta1);
  const b2 = f64x2.splat(beta2), c2 = f64x2.splat(oneMinusBeta2);
  const dc = f64x2.splat(decay), ss = f64x2.splat(stepSize), sc = f64x2.splat(sqrtCorrection2), ep = f64x2.splat(eps);
  let i = 0;
  for (; i + 2 <= count; i += 2) {
    const o4 = <usize>i << 2;
    let g = v128.load(grad + (<usize>i << 3));
    if (divide) g = f64x2.div(g, gd);
    const mi = f64x2.add(f64x2.mul(b1, pairAt(m + o4)), f64x2.mul(c1, g));
    const vi = f64x2.add(f64x2.mul(b2, pairAt(v + o4)), f64x2.mul(f64x2.mul(c2, g), g));
    storePair(m + o4, mi);
    storePair(v + o4, vi);
    const mr = roundedToF32(mi);
    const vr = roundedToF32(vi);
    const p = f64x2.sub(f64x2.mul(pairAt(param + o4), dc), f64x2.div(f64x2.mul(ss, mr), f64x2.add(f64x2.div(f64x2.sqrt(vr), sc), ep)));
    storePair(param + o4, p);
  }
  for (; i < count; i++) {
    const o4 = <usize>i << 2;
    let g = load<f64>(grad + (<usize>i << 3));
    if (divide) g = g / gradDivisor;
    const mi = beta1 * <f64>load<f32>(m + o4) + oneMinusBeta1 * g;
    const vi = beta2 * <f64>load<f32>(v + o4) + oneMinusBeta2 * g * g;
    store<f32>(m + o4, <f32>mi);
    store<f32>(v + o4, <f32>vi);
    const mr = <f64><f32>mi;
    const vr = <f64><f32>vi;
    store<f32>(param + o4, <f32>(<f64>load<f32>(param + o4) * decay - (stepSize * mr) / (Math.sqrt(vr) / sqrtCorrection2 + eps)));
  }
}
