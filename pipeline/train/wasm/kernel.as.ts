// AssemblyScript source of the fused engine's SIMD kernel (compiled to kernel.wasm by
// `npm run build:kernel`; the .wasm is committed so training needs no compiler).
// All arrays live in one shared linear memory; every argument is a byte offset.
// Each f64x2 lane performs exactly the scalar operations of the plain-JS kernel in
// fused.ts, in the same order, with no fused multiply-add, so results are bitwise equal.
// Lanes never mix: pass 1 puts two examples side by side, pass 2 two features.

// @ts-nocheck

@inline function relu(z: v128): v128 {
  // 0.5 * (z + |z|): z when z > 0, +0 otherwise; exact, branchless.
  return f64x2.mul(f64x2.splat(0.5), f64x2.add(z, f64x2.abs(z)));
}

@inline function loadPair32(p: usize): v128 {
  // two consecutive float32 values, widened to float64
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/**
 * Pass 1 over examples [tStart, tEnd) (tEnd - tStart even; the caller pads with a
 * duplicate when needed): for each example h = W x, then one walk over the n outputs
 * accumulating dL/dh (gh) and the example's squared error, in output order.
 */
export function examplePass(
  n: i32, tStart: i32, tEnd: i32, gradScale: f64,
  W0: usize, W1: usize, b: usize,
  rowStart: usize, index: usize, value: usize,
  H0: usize, H1: usize, G0: usize, G1: usize, SE: usize,
): void {
  const gs = f64x2.splat(gradScale);
  const zero = f64x2.splat(0);
  for (let t = tStart; t < tEnd; t += 2) {
    const u = t + 1;
    const aStart = load<i32>(rowStart + (<usize>t << 2));
    const aEnd = load<i32>(rowStart + (<usize>t << 2) + 4);
    const bStart = load<i32>(rowStart + (<usize>u << 2));
    const bEnd = load<i32>(rowStart + (<usize>u << 2) + 4);
    // Encoder, each example in its own order (scalar, like the JS kernel).
    let ha0: f64 = 0, ha1: f64 = 0, hb0: f64 = 0, hb1: f64 = 0;
    for (let k = aStart; k < aEnd; k++) {
      const j = <usize>load<i32>(index + (<usize>k << 2));
      const x = <f64>load<f32>(value + (<usize>k << 2));
      ha0 += <f64>load<f32>(W0 + (j << 2)) * x;
      ha1 += <f64>load<f32>(W1 + (j << 2)) * x;
    }
    for (let k = bStart; k < bEnd; k++) {
      const j = <usize>load<i32>(index + (<usize>k << 2));
      const x = <f64>load<f32>(value + (<usize>k << 2));
      hb0 += <f64>load<f32>(W0 + (j << 2)) * x;
      hb1 += <f64>load<f32>(W1 + (j << 2)) * x;
    }
    const h0 = f64x2.replace_lane(f64x2.splat(ha0), 1, hb0);
    const h1 = f64x2.replace_lane(f64x2.splat(ha1), 1, hb1);
    let gh0 = zero, gh1 = zero, se = zero;
    let ka = aStart, kb = bStart;
    let j: i32 = 0;
    while (true) {
      const nextA = ka < aEnd ? load<i32>(index + (<usize>ka << 2)) : n;
      const nextB = kb < bEnd ? load<i32>(index + (<usize>kb << 2)) : n;
      const stop = min(nextA, nextB);
      // Outputs j .. stop-1: target 0 in both examples.
      for (; j < stop; j++) {
        const p = <usize>j << 2;
        const w0 = f64x2.splat(<f64>load<f32>(W0 + p));
        const w1 = f64x2.splat(<f64>load<f32>(W1 + p));
        const z = f64x2.add(f64x2.add(f64x2.splat(<f64>load<f32>(b + p)), f64x2.mul(w0, h0)), f64x2.mul(w1, h1));
        const a = relu(z);
        se = f64x2.add(se, f64x2.mul(a, a));
        const d = f64x2.mul(gs, a);
        gh0 = f64x2.add(gh0, f64x2.mul(w0, d));
        gh1 = f64x2.add(gh1, f64x2.mul(w1, d));
      }
      if (j >= n) break;
      // Output j is a non-zero target in one or both examples.
      let v = zero;
      if (nextA == j) { v = f64x2.replace_lane(v, 0, <f64>load<f32>(value + (<usize>ka << 2))); ka++; }
      if (nextB == j) { v = f64x2.replace_lane(v, 1, <f64>load<f32>(value + (<usize>kb << 2))); kb++; }
      const p = <usize>j << 2;
      const w0 = f64x2.splat(<f64>load<f32>(W0 + p));
      const w1 = f64x2.splat(<f64>load<f32>(W1 + p));
      const z = f64x2.add(f64x2.add(f64x2.splat(<f64>load<f32>(b + p)), f64x2.mul(w0, h0)), f64x2.mul(w1, h1));
      const diff = f64x2.sub(relu(z), v);
      se = f64x2.add(se, f64x2.mul(diff, diff));
      const d = f64x2.mul(gs, v128.and(diff, f64x2.gt(z, zero)));
      gh0 = f64x2.add(gh0, f64x2.mul(w0, d));
      gh1 = f64x2.add(gh1, f64x2.mul(w1, d));
      j++;
    }
    const q = <usize>t << 3;
    v128.store(H0 + q, h0);
    v128.store(H1 + q, h1);
    v128.store(G0 + q, gh0);
    v128.store(G1 + q, gh1);
    v128.store(SE + q, se);
  }
}

/**
 * Pass 2 over feature pairs [jStart, jEnd) (even bounds; arrays padded to an even n):
 * for each feature, the gradient of b, W0 and W1 summed over examples in order within
 * each block of `blockSize`, block sums added in block order. Encoder terms (x_tj · gh_t)
 * enter right after example t's decoder term, where the example-major kernel adds them.
 */
export function featurePass(
  T: i32, blockSize: i32, jStart: i32, jEnd: i32, gradScale: f64,
  W0: usize, W1: usize, b: usize,
  colStart: usize, colRow: usize, colValue: usize,
  H0: usize, H1: usize, G0: usize, G1: usize,
  gW0: usize, gW1: usize, gb: usize,
): void {
  const gs = f64x2.splat(gradScale);
  const zero = f64x2.splat(0);
  for (let j = jStart; j < jEnd; j += 2) {
    const p = <usize>j << 2;
    const w0 = loadPair32(W0 + p);
    const w1 = loadPair32(W1 + p);
    const bj = loadPair32(b + p);
    let qa = load<i32>(colStart + p);
    const qaEnd = load<i32>(colStart + p + 4);
    let qb = qaEnd;
    const qbEnd = load<i32>(colStart + p + 8);
    let tb = zero, t0 = zero, t1 = zero;
    for (let blockStart = 0; blockStart < T; blockStart += blockSize) {
      const blockEnd = min(T, blockStart + blockSize);
      let sb = zero, s0 = zero, s1 = zero;
      let t = blockStart;
      while (true) {
        const nextA = qa < qaEnd ? load<i32>(colRow + (<usize>qa << 2)) : T;
        const nextB = qb < qbEnd ? load<i32>(colRow + (<usize>qb << 2)) : T;
        const stop = min(min(nextA, nextB), blockEnd);
        for (; t < stop; t++) {
          const q = <usize>t << 3;
          const h0 = v128.load64_splat(H0 + q);
          const h1 = v128.load64_splat(H1 + q);
          const z = f64x2.add(f64x2.add(bj, f64x2.mul(w0, h0)), f64x2.mul(w1, h1));
          const d = f64x2.mul(gs, relu(z));
          sb = f64x2.add(sb, d);
          s0 = f64x2.add(s0, f64x2.mul(d, h0));
          s1 = f64x2.add(s1, f64x2.mul(d, h1));
        }
        if (t >= blockEnd) break;
        // Example t has a non-zero at feature j (lane 0) and/or j + 1 (lane 1).
        let v = zero;
        if (nextA == t) { v = f64x2.replace_lane(v, 0, <f64>load<f32>(colValue + (<usize>qa << 2))); qa++; }
        if (nextB == t) { v = f64x2.replace_lane(v, 1, <f64>load<f32>(colValue + (<usize>qb << 2))); qb++; }
        const q = <usize>t << 3;
        const h0 = v128.load64_splat(H0 + q);
        const h1 = v128.load64_splat(H1 + q);
        const z = f64x2.add(f64x2.add(bj, f64x2.mul(w0, h0)), f64x2.mul(w1, h1));
        const d = f64x2.mul(gs, v128.and(f64x2.sub(relu(z), v), f64x2.gt(z, zero)));
        sb = f64x2.add(sb, d);
        s0 = f64x2.add(f64x2.add(s0, f64x2.mul(d, h0)), f64x2.mul(v128.load64_splat(G0 + q), v));
        s1 = f64x2.add(f64x2.add(s1, f64x2.mul(d, h1)), f64x2.mul(v128.load64_splat(G1 + q), v));
        t++;
      }
      if (blockStart == 0) { tb = sb; t0 = s0; t1 = s1; }
      else { tb = f64x2.add(tb, sb); t0 = f64x2.add(t0, s0); t1 = f64x2.add(t1, s1); }
    }
    const r = <usize>j << 3;
    v128.store(gb + r, tb);
    v128.store(gW0 + r, t0);
    v128.store(gW1 + r, t1);
  }
}
