// AssemblyScript source of the fused engine's SIMD kernel (compiled to kernel.wasm by
// `npm run build:kernel`; the .wasm is committed so training needs no compiler).
// All arrays live in one shared linear memory; every argument is a byte offset.
// Each f64x2 lane performs exactly the scalar operations of the plain-JS kernel in
// fused.ts, in the same order, with no fused multiply-add, so results are bitwise equal.
// Lanes never mix: pass 1 runs four examples side by side (two f64x2 vectors), pass 2
// four features; the second vector only adds independent work for the CPU to overlap.

// @ts-nocheck

@inline function relu(z: v128): v128 {
  // 0.5 * (z + |z|): z when z > 0, +0 otherwise; exact, branchless; NaN stays NaN.
  return f64x2.mul(f64x2.splat(0.5), f64x2.add(z, f64x2.abs(z)));
}

@inline function reluFast(z: v128): v128 {
  // The same value for every finite z in one instruction (pmax(0, z) = 0 < z ? z : 0), but
  // NaN becomes 0. Used for zero targets only: non-zero targets keep relu(), so a NaN
  // in the parameters still reaches the loss and stops training.
  return f64x2.pmax(f64x2.splat(0), z);
}

@inline function loadPair32(p: usize): v128 {
  // two consecutive float32 values, widened to float64
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

@inline function rowNext(index: usize, k: i32, end: i32, n: i32): i32 {
  return k < end ? load<i32>(index + (<usize>k << 2)) : n;
}

@inline function valueAt(value: usize, k: i32): f64 {
  return <f64>load<f32>(value + (<usize>k << 2));
}

/**
 * Pass 1 over examples [tStart, tEnd) (a multiple of four; the caller pads with empty
 * examples): for each example h = W x, then one walk over the n outputs accumulating
 * dL/dh (gh) and the example's squared error, in output order. W0f, W1f and bf are
 * the parameters widened to float64 once per step (the same values, loaded faster).
 */
export function examplePass(
  n: i32, tStart: i32, tEnd: i32, gradScale: f64,
  W0: usize, W1: usize, b: usize, W0f: usize, W1f: usize, bf: usize,
  rowStart: usize, index: usize, value: usize,
  H0: usize, H1: usize, G0: usize, G1: usize, SE: usize,
): void {
  const gs = f64x2.splat(gradScale);
  const zero = f64x2.splat(0);
  for (let t = tStart; t < tEnd; t += 4) {
    const r = rowStart + (<usize>t << 2);
    let ka = load<i32>(r), kb = load<i32>(r + 4), kc = load<i32>(r + 8), kd = load<i32>(r + 12);
    const aEnd = kb, bEnd = kc, cEnd = kd, dEnd = load<i32>(r + 16);
    // Encoder, each example in its own order (scalar, like the JS kernel).
    let hA0: f64 = 0, hA1: f64 = 0, hB0: f64 = 0, hB1: f64 = 0, hC0: f64 = 0, hC1: f64 = 0, hD0: f64 = 0, hD1: f64 = 0;
    for (let k = ka; k < aEnd; k++) { const j = <usize>load<i32>(index + (<usize>k << 2)) << 2; const x = valueAt(value, k); hA0 += <f64>load<f32>(W0 + j) * x; hA1 += <f64>load<f32>(W1 + j) * x; }
    for (let k = kb; k < bEnd; k++) { const j = <usize>load<i32>(index + (<usize>k << 2)) << 2; const x = valueAt(value, k); hB0 += <f64>load<f32>(W0 + j) * x; hB1 += <f64>load<f32>(W1 + j) * x; }
    for (let k = kc; k < cEnd; k++) { const j = <usize>load<i32>(index + (<usize>k << 2)) << 2; const x = valueAt(value, k); hC0 += <f64>load<f32>(W0 + j) * x; hC1 += <f64>load<f32>(W1 + j) * x; }
    for (let k = kd; k < dEnd; k++) { const j = <usize>load<i32>(index + (<usize>k << 2)) << 2; const x = valueAt(value, k); hD0 += <f64>load<f32>(W0 + j) * x; hD1 += <f64>load<f32>(W1 + j) * x; }
    const hP0 = f64x2.replace_lane(f64x2.splat(hA0), 1, hB0);
    const hP1 = f64x2.replace_lane(f64x2.splat(hA1), 1, hB1);
    const hQ0 = f64x2.replace_lane(f64x2.splat(hC0), 1, hD0);
    const hQ1 = f64x2.replace_lane(f64x2.splat(hC1), 1, hD1);
    let gP0 = zero, gP1 = zero, seP = zero, gQ0 = zero, gQ1 = zero, seQ = zero;
    let j: i32 = 0;
    while (true) {
      const nextA = rowNext(index, ka, aEnd, n), nextB = rowNext(index, kb, bEnd, n);
      const nextC = rowNext(index, kc, cEnd, n), nextD = rowNext(index, kd, dEnd, n);
      const stop = min(min(nextA, nextB), min(nextC, nextD));
      // Outputs j .. stop-1: target 0 in all four examples.
      for (; j < stop; j++) {
        const p = <usize>j << 3;
        const w0 = v128.load64_splat(W0f + p);
        const w1 = v128.load64_splat(W1f + p);
        const bj = v128.load64_splat(bf + p);
        const zP = f64x2.add(f64x2.add(bj, f64x2.mul(w0, hP0)), f64x2.mul(w1, hP1));
        const zQ = f64x2.add(f64x2.add(bj, f64x2.mul(w0, hQ0)), f64x2.mul(w1, hQ1));
        const aP = reluFast(zP);
        const aQ = reluFast(zQ);
        seP = f64x2.add(seP, f64x2.mul(aP, aP));
        seQ = f64x2.add(seQ, f64x2.mul(aQ, aQ));
        const dP = f64x2.mul(gs, aP);
        const dQ = f64x2.mul(gs, aQ);
        gP0 = f64x2.add(gP0, f64x2.mul(w0, dP));
        gQ0 = f64x2.add(gQ0, f64x2.mul(w0, dQ));
        gP1 = f64x2.add(gP1, f64x2.mul(w1, dP));
        gQ1 = f64x2.add(gQ1, f64x2.mul(w1, dQ));
      }
      if (j >= n) break;
      // Output j is a non-zero target in some of the examples; the others see target 0.
      let vP = zero, vQ = zero;
      if (nextA == j) { vP = f64x2.replace_lane(vP, 0, valueAt(value, ka)); ka++; }
      if (nextB == j) { vP = f64x2.replace_lane(vP, 1, valueAt(value, kb)); kb++; }
      if (nextC == j) { vQ = f64x2.replace_lane(vQ, 0, valueAt(value, kc)); kc++; }
      if (nextD == j) { vQ = f64x2.replace_lane(vQ, 1, valueAt(value, kd)); kd++; }
      const p = <usize>j << 2;
      const w0 = f64x2.splat(<f64>load<f32>(W0 + p));
      const w1 = f64x2.splat(<f64>load<f32>(W1 + p));
      const bj = f64x2.splat(<f64>load<f32>(b + p));
      const zP = f64x2.add(f64x2.add(bj, f64x2.mul(w0, hP0)), f64x2.mul(w1, hP1));
      const zQ = f64x2.add(f64x2.add(bj, f64x2.mul(w0, hQ0)), f64x2.mul(w1, hQ1));
      const diffP = f64x2.sub(relu(zP), vP);
      const diffQ = f64x2.sub(relu(zQ), vQ);
      seP = f64x2.add(seP, f64x2.mul(diffP, diffP));
      seQ = f64x2.add(seQ, f64x2.mul(diffQ, diffQ));
      // ReLU'(z) = 0 for z <= 0: those outputs add (signed) zeros, which change nothing.
      const dP = f64x2.mul(gs, v128.and(diffP, f64x2.gt(zP, zero)));
      const dQ = f64x2.mul(gs, v128.and(diffQ, f64x2.gt(zQ, zero)));
      gP0 = f64x2.add(gP0, f64x2.mul(w0, dP));
      gQ0 = f64x2.add(gQ0, f64x2.mul(w0, dQ));
      gP1 = f64x2.add(gP1, f64x2.mul(w1, dP));
      gQ1 = f64x2.add(gQ1, f64x2.mul(w1, dQ));
      j++;
    }
    const q = <usize>t << 3;
    v128.store(H0 + q, hP0); v128.store(H0 + q + 16, hQ0);
    v128.store(H1 + q, hP1); v128.store(H1 + q + 16, hQ1);
    v128.store(G0 + q, gP0); v128.store(G0 + q + 16, gQ0);
    v128.store(G1 + q, gP1); v128.store(G1 + q + 16, gQ1);
    v128.store(SE + q, seP); v128.store(SE + q + 16, seQ);
  }
}

/**
 * Pass 2 over features [jStart, jEnd) (a multiple of four; arrays padded with empty
 * features): for each feature, the gradient of b, W0 and W1 summed over examples in
 * order within each block of `blockSize`, block sums added in block order. Encoder terms
 * (x_tj · gh_t) enter right after example t's decoder term, where the example-major
 * kernel adds them.
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
  for (let j = jStart; j < jEnd; j += 4) {
    const p = <usize>j << 2;
    const wP0 = loadPair32(W0 + p), wQ0 = loadPair32(W0 + p + 8);
    const wP1 = loadPair32(W1 + p), wQ1 = loadPair32(W1 + p + 8);
    const bP = loadPair32(b + p), bQ = loadPair32(b + p + 8);
    let qa = load<i32>(colStart + p), qb = load<i32>(colStart + p + 4), qc = load<i32>(colStart + p + 8), qd = load<i32>(colStart + p + 12);
    const aEnd = qb, bEnd = qc, cEnd = qd, dEnd = load<i32>(colStart + p + 16);
    let tbP = zero, t0P = zero, t1P = zero, tbQ = zero, t0Q = zero, t1Q = zero;
    for (let blockStart = 0; blockStart < T; blockStart += blockSize) {
      const blockEnd = min(T, blockStart + blockSize);
      let sbP = zero, s0P = zero, s1P = zero, sbQ = zero, s0Q = zero, s1Q = zero;
      let t = blockStart;
      while (true) {
        const nextA = rowNext(colRow, qa, aEnd, T), nextB = rowNext(colRow, qb, bEnd, T);
        const nextC = rowNext(colRow, qc, cEnd, T), nextD = rowNext(colRow, qd, dEnd, T);
        const stop = min(min(min(nextA, nextB), min(nextC, nextD)), blockEnd);
        for (; t < stop; t++) {
          const q = <usize>t << 3;
          const h0 = v128.load64_splat(H0 + q);
          const h1 = v128.load64_splat(H1 + q);
          const zP = f64x2.add(f64x2.add(bP, f64x2.mul(wP0, h0)), f64x2.mul(wP1, h1));
          const zQ = f64x2.add(f64x2.add(bQ, f64x2.mul(wQ0, h0)), f64x2.mul(wQ1, h1));
          const dP = f64x2.mul(gs, reluFast(zP));
          const dQ = f64x2.mul(gs, reluFast(zQ));
          sbP = f64x2.add(sbP, dP);
          sbQ = f64x2.add(sbQ, dQ);
          s0P = f64x2.add(s0P, f64x2.mul(dP, h0));
          s0Q = f64x2.add(s0Q, f64x2.mul(dQ, h0));
          s1P = f64x2.add(s1P, f64x2.mul(dP, h1));
          s1Q = f64x2.add(s1Q, f64x2.mul(dQ, h1));
        }
        if (t >= blockEnd) break;
        // Example t has a non-zero at some of the four features; the others see target 0.
        let vP = zero, vQ = zero;
        if (nextA == t) { vP = f64x2.replace_lane(vP, 0, valueAt(colValue, qa)); qa++; }
        if (nextB == t) { vP = f64x2.replace_lane(vP, 1, valueAt(colValue, qb)); qb++; }
        if (nextC == t) { vQ = f64x2.replace_lane(vQ, 0, valueAt(colValue, qc)); qc++; }
        if (nextD == t) { vQ = f64x2.replace_lane(vQ, 1, valueAt(colValue, qd)); qd++; }
        const q = <usize>t << 3;
        const h0 = v128.load64_splat(H0 + q);
        const h1 = v128.load64_splat(H1 + q);
        const g0 = v128.load64_splat(G0 + q);
        const g1 = v128.load64_splat(G1 + q);
        const zP = f64x2.add(f64x2.add(bP, f64x2.mul(wP0, h0)), f64x2.mul(wP1, h1));
        const zQ = f64x2.add(f64x2.add(bQ, f64x2.mul(wQ0, h0)), f64x2.mul(wQ1, h1));
        const dP = f64x2.mul(gs, v128.and(f64x2.sub(relu(zP), vP), f64x2.gt(zP, zero)));
        const dQ = f64x2.mul(gs, v128.and(f64x2.sub(relu(zQ), vQ), f64x2.gt(zQ, zero)));
        sbP = f64x2.add(sbP, dP);
        sbQ = f64x2.add(sbQ, dQ);
        // Decoder term, then the encoder term x_tj · gh_t (zero for features without a non-zero here).
        s0P = f64x2.add(f64x2.add(s0P, f64x2.mul(dP, h0)), f64x2.mul(g0, vP));
        s0Q = f64x2.add(f64x2.add(s0Q, f64x2.mul(dQ, h0)), f64x2.mul(g0, vQ));
        s1P = f64x2.add(f64x2.add(s1P, f64x2.mul(dP, h1)), f64x2.mul(g1, vP));
        s1Q = f64x2.add(f64x2.add(s1Q, f64x2.mul(dQ, h1)), f64x2.mul(g1, vQ));
        t++;
      }
      if (blockStart == 0) {
        tbP = sbP; t0P = s0P; t1P = s1P; tbQ = sbQ; t0Q = s0Q; t1Q = s1Q;
      } else {
        tbP = f64x2.add(tbP, sbP); t0P = f64x2.add(t0P, s0P); t1P = f64x2.add(t1P, s1P);
        tbQ = f64x2.add(tbQ, sbQ); t0Q = f64x2.add(t0Q, s0Q); t1Q = f64x2.add(t1Q, s1Q);
      }
    }
    const r = <usize>j << 3;
    v128.store(gb + r, tbP); v128.store(gb + r + 16, tbQ);
    v128.store(gW0 + r, t0P); v128.store(gW0 + r + 16, t0Q);
    v128.store(gW1 + r, t1P); v128.store(gW1 + r + 16, t1Q);
  }
}
