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

// ---------------------------------------------------------------------------------------
// The active-output kernel. Same sums, same order, but it visits only the outputs whose
// terms are not exact zeros: the active ones (z > 0) and the non-zero targets.
//
// Skipping is exact because an inactive output with target 0 adds only zeros (+0 to the
// squared error, ±0 to every gradient sum), and an accumulator that starts at +0 can
// never become -0 (x + y is -0 only when both are -0), so adding ±0 leaves it unchanged.
//
// Finding the active outputs: with h = |h|(cos φ, sin φ) and w_j = ρ_j(cos θ_j, sin θ_j),
// z_j = b_j + ρ_j |h| cos(θ_j - φ) > 0 exactly when cos(θ_j - φ) > s_j / |h|, with the
// threshold s_j = -b_j / ρ_j. `prepare` sorts features (counting sort, O(n) per step) by
// (thread's feature range, tier of s_j, angle bin of θ_j). For one example and one tier,
// every feature that can fire lies within Δ = acos(min s / |h|) of φ, a range of angle
// bins; only the features in those bins are tested, exactly, by computing z. The window is
// widened (threshold lowered by 1e-9 relative, Δ rounded up through a table and widened
// by 1e-6 rad) far beyond any floating-point error of the computed z, s, θ, φ, so a
// feature whose computed z is > 0 is never outside it. Everything conservative: a
// too-wide window only costs time.
// ---------------------------------------------------------------------------------------

const TWO_PI: f64 = 6.283185307179586;
const MARGIN_REL: f64 = 1e-9;
const MARGIN_ANGLE: f64 = 1e-6;

@inline function relu1(z: f64): f64 {
  return 0.5 * (z + abs<f64>(z));
}

/**
 * Sorts the features for this step. Returns 0 (and builds nothing) when a parameter is
 * not finite; the caller then runs the dense kernel. Layout of the results:
 *  - BIN[((q * tiers + k) * bins + a)] = first sorted position of range q, tier k, bin a
 *    (consecutive keys are consecutive in position; BIN[parts * tiers * bins] = nPad);
 *  - IDX[p] = feature at position p, POS[j] = position of feature j;
 *  - SW0, SW1, SBB: the feature's parameters (float64) at its position; KEEP[p] = all ones;
 *  - SMIN[k] = smallest threshold in tier k (+inf when empty).
 * Tiers: 0 holds s <= -rref (and ρ = 0 with b > 0); 1..K split (-rref, rref) evenly in
 * acos(s / rref); K + 1 holds s >= rref; K + 2 holds features that can never fire (ρ = 0
 * and b <= 0) and is never scanned. rref (typical |h|) only affects speed.
 */
export function prepare(
  n: i32, nPad: i32, parts: i32, K: i32, bins: i32, rref: f64,
  W0f: usize, W1f: usize, bf: usize, ACOS: usize, acosSteps: i32,
  KEY: usize, BIN: usize, SMIN: usize, POS: usize, IDX: usize,
  SW0: usize, SW1: usize, SBB: usize, KEEP: usize, PJ: usize,
): i32 {
  const tiers = K + 3;
  const keys = parts * tiers * bins;
  memory.fill(BIN, 0, <usize>(keys + 1) << 2);
  for (let k = 0; k < tiers; k++) store<f64>(SMIN + (<usize>k << 3), Infinity);
  const binScale: f64 = <f64>bins / TWO_PI;
  const half: f64 = <f64>acosSteps * 0.5;
  let q = 0;
  let nextBoundary = 4 * <i32>((<i64>(q + 1) * <i64>(nPad / 4)) / <i64>parts);
  for (let j = 0; j < nPad; j++) {
    while (j >= nextBoundary) {
      q++;
      nextBoundary = 4 * <i32>((<i64>(q + 1) * <i64>(nPad / 4)) / <i64>parts);
    }
    const p = <usize>j << 3;
    const w0 = load<f64>(W0f + p), w1 = load<f64>(W1f + p), bj = load<f64>(bf + p);
    // Non-finite parameters (a diverging run): let the dense kernel handle this step.
    if (!isFinite<f64>(w0) || !isFinite<f64>(w1) || !isFinite<f64>(bj)) return 0;
    const pj = PJ + (<usize>j << 5);
    store<f64>(pj, w0); store<f64>(pj + 8, w1); store<f64>(pj + 16, bj);
    const rho = Math.sqrt(w0 * w0 + w1 * w1);
    let tier: i32;
    let s: f64;
    if (rho == 0) {
      // z = b exactly: fires for every example when b > 0, never otherwise.
      tier = bj > 0 ? 0 : K + 2;
      s = bj > 0 ? -Infinity : Infinity;
    } else {
      s = -bj / rho;
      const x = s / rref;
      if (x <= -1) tier = 0;
      else if (x >= 1) tier = K + 1;
      else {
        // acos(x) from the table (speed only): 1 + floor(K (1 - acos(x) / π)).
        const i = <i32>((x + 1) * half);
        const a = load<f64>(ACOS + (<usize>min(i, acosSteps) << 3));
        tier = 1 + min(K - 1, max(0, <i32>Math.floor(<f64>K * (1 - a / Math.PI))));
      }
    }
    const sminAt = SMIN + (<usize>tier << 3);
    if (s < load<f64>(sminAt)) store<f64>(sminAt, s);
    const theta = Math.atan2(w1, w0);
    const bin = min(bins - 1, max(0, <i32>Math.floor((theta + Math.PI) * binScale)));
    const key = (q * tiers + tier) * bins + bin;
    store<i32>(KEY + (<usize>j << 2), key);
    const at = BIN + (<usize>key << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  // Inclusive prefix sums, then place features from the back: BIN ends as each key's start.
  let total = 0;
  for (let key = 0; key < keys; key++) {
    const at = BIN + (<usize>key << 2);
    total += load<i32>(at);
    store<i32>(at, total);
  }
  store<i32>(BIN + (<usize>keys << 2), nPad);
  for (let j = nPad - 1; j >= 0; j--) {
    const at = BIN + (<usize>load<i32>(KEY + (<usize>j << 2)) << 2);
    const pos = load<i32>(at) - 1;
    store<i32>(at, pos);
    store<i32>(POS + (<usize>j << 2), pos);
    store<i32>(IDX + (<usize>pos << 2), j);
    const p = <usize>j << 3, r = <usize>pos << 3;
    store<f64>(SW0 + r, load<f64>(W0f + p));
    store<f64>(SW1 + r, load<f64>(W1f + p));
    store<f64>(SBB + r, load<f64>(bf + p));
    store<i64>(KEEP + r, -1);
  }
  return 1;
}

/**
 * The angle-bin window of one tier for an example at radius r and angle phi: returns 0
 * (no feature of the tier can fire), 1 (scan the whole tier) or 2 (scan bins lo..hi,
 * cyclically; lo and hi in WIN[0], WIN[1], already reduced to [0, bins)).
 */
@inline function windowOf(smin: f64, r: f64, phi: f64, bins: i32, ACOS: usize, acosSteps: i32, WIN: usize): i32 {
  if (smin == Infinity) return 0; // empty tier
  // Tiny |h| (including h = 0, and r² underflowing): no window, scan everything.
  if (!(r >= 1e-150)) return 1;
  const c = (smin - (MARGIN_REL * (abs<f64>(smin) + r) + 1e-300)) / r;
  if (c >= 1) return 0;
  if (!(c > -1)) return 1;
  // acos is decreasing: the table entry at or below c (one more step down for rounding)
  // bounds acos(c) from above.
  const i = <i32>((c + 1) * (<f64>acosSteps * 0.5)) - 1;
  if (i < 0) return 1;
  const delta = load<f64>(ACOS + (<usize>i << 3)) + MARGIN_ANGLE;
  if (delta >= 3.1) return 1;
  const scale: f64 = <f64>bins / TWO_PI;
  let lo = <i32>Math.floor((phi - delta + Math.PI) * scale);
  let hi = <i32>Math.floor((phi + delta + Math.PI) * scale);
  if (hi - lo + 1 >= bins) return 1;
  if (lo < 0) lo += bins;
  if (hi >= bins) hi -= bins;
  store<i32>(WIN, lo);
  store<i32>(WIN + 4, hi);
  return 2;
}

/**
 * Half-width (radians) of the angle window around an example's angle outside which no
 * feature of a tier with smallest threshold `smin` can fire: < 0 when none can, >= 3.1
 * when the whole tier must be scanned.
 */
@inline function windowHalfWidth(smin: f64, r: f64, ACOS: usize, acosSteps: i32): f64 {
  if (smin == Infinity) return -1; // empty tier
  // Tiny |h| (including h = 0, and r² underflowing): no window, scan everything.
  if (!(r >= 1e-150)) return 4;
  const c = (smin - (MARGIN_REL * (abs<f64>(smin) + r) + 1e-300)) / r;
  if (c >= 1) return -1;
  if (!(c > -1)) return 4;
  // acos is decreasing: the table entry at or below c (one more step down for rounding)
  // bounds acos(c) from above.
  const i = <i32>((c + 1) * (<f64>acosSteps * 0.5)) - 1;
  if (i < 0) return 4;
  return load<f64>(ACOS + (<usize>i << 3)) + MARGIN_ANGLE;
}

@inline function angleBetween(a: f64, b: f64): f64 {
  const d = abs<f64>(a - b);
  return d > Math.PI ? TWO_PI - d : d;
}

/**
 * Marks in BITS every output that fires (z > 0) for at least one of four examples (lanes
 * hP = (a, b), hQ = (c, d); `lanes` of them real, the others h = 0). One window per tier
 * covers the four: around lane a's angle, as wide as the widest lane's window plus that
 * lane's angular distance from lane a (the triangle inequality on the circle).
 */
function markGroup(
  hP0: v128, hP1: v128, hQ0: v128, hQ1: v128, lanes: i32,
  rA: f64, rB: f64, rC: f64, rD: f64, phiA: f64, phiB: f64, phiC: f64, phiD: f64,
  parts: i32, K: i32, bins: i32,
  ACOS: usize, acosSteps: i32, BIN: usize, SMIN: usize, IDX: usize, SW0: usize, SW1: usize, SBB: usize,
  BITS: usize, STATS: usize,
): void {
  const tiers = K + 3;
  const zero = f64x2.splat(0);
  const dB = angleBetween(phiB, phiA) + 1e-9, dC = angleBetween(phiC, phiA) + 1e-9, dD = angleBetween(phiD, phiA) + 1e-9;
  const scale: f64 = <f64>bins / TWO_PI;
  const real = (1 << lanes) - 1;
  let candidates = 0;
  let firing = 0;
  for (let k = 0; k < tiers - 1; k++) {
    const smin = load<f64>(SMIN + (<usize>k << 3));
    let delta = windowHalfWidth(smin, rA, ACOS, acosSteps);
    if (lanes > 1) { const d = windowHalfWidth(smin, rB, ACOS, acosSteps); if (d >= 0) delta = max(delta, d + dB); }
    if (lanes > 2) { const d = windowHalfWidth(smin, rC, ACOS, acosSteps); if (d >= 0) delta = max(delta, d + dC); }
    if (lanes > 3) { const d = windowHalfWidth(smin, rD, ACOS, acosSteps); if (d >= 0) delta = max(delta, d + dD); }
    if (delta < 0) continue;
    let lo = 0, hi = bins - 1;
    if (delta < 3.1) {
      lo = <i32>Math.floor((phiA - delta + Math.PI) * scale);
      hi = <i32>Math.floor((phiA + delta + Math.PI) * scale);
      if (hi - lo + 1 >= bins) { lo = 0; hi = bins - 1; }
      else {
        if (lo < 0) lo += bins;
        if (hi >= bins) hi -= bins;
      }
    }
    for (let q = 0; q < parts; q++) {
      const base = BIN + (<usize>((q * tiers + k) * bins) << 2);
      // One or two runs of positions (the window may wrap past angle π).
      let a0 = load<i32>(base + (<usize>lo << 2)), a1: i32, b0: i32 = 0, b1: i32 = 0;
      if (lo <= hi) a1 = load<i32>(base + (<usize>(hi + 1) << 2));
      else {
        a1 = load<i32>(base + (<usize>bins << 2));
        b0 = load<i32>(base);
        b1 = load<i32>(base + (<usize>(hi + 1) << 2));
      }
      for (let run = 0; run < 2; run++) {
        const from = run == 0 ? a0 : b0, to = run == 0 ? a1 : b1;
        candidates += to - from;
        for (let p = from; p < to; p++) {
          const o = <usize>p << 3;
          const w0 = v128.load64_splat(SW0 + o), w1 = v128.load64_splat(SW1 + o), bj = v128.load64_splat(SBB + o);
          const zP = f64x2.add(f64x2.add(bj, f64x2.mul(w0, hP0)), f64x2.mul(w1, hP1));
          const zQ = f64x2.add(f64x2.add(bj, f64x2.mul(w0, hQ0)), f64x2.mul(w1, hQ1));
          const fire = (i64x2.bitmask(f64x2.gt(zP, zero)) | (i64x2.bitmask(f64x2.gt(zQ, zero)) << 2)) & real;
          firing += <i32>popcnt<i32>(fire);
          const j = load<i32>(IDX + (<usize>p << 2));
          const wa = BITS + (<usize>(j >> 6) << 3);
          store<u64>(wa, load<u64>(wa) | (<u64>(fire != 0) << (<u64>j & 63)));
        }
      }
    }
  }
  store<f64>(STATS + 8, load<f64>(STATS + 8) + <f64>firing);
  store<f64>(STATS + 16, load<f64>(STATS + 16) + <f64>candidates * 0.25 * <f64>lanes);
}

@inline function markTargets(BITS: usize, rowStart: usize, index: usize, t: i32): void {
  for (let k = load<i32>(rowStart + (<usize>t << 2)), end = load<i32>(rowStart + (<usize>(t + 1) << 2)); k < end; k++) {
    const j = load<i32>(index + (<usize>k << 2));
    const wa = BITS + (<usize>(j >> 6) << 3);
    store<u64>(wa, load<u64>(wa) | (<u64>1 << (<u64>j & 63)));
  }
}

/**
 * Pass 1, active outputs only, over examples [tStart, tEnd): the same h, dL/dh and squared
 * error per example as examplePass, bit for bit. First h, |h| and its angle for every
 * example (stored in H0, H1, R, PHI for pass 2); then the examples, ordered by angle (a
 * counting sort into ORDER, so neighbours fire mostly the same outputs), are taken four at
 * a time, like examplePass takes them: the outputs that fire for any of the four
 * (candidates of each one's tier windows, tested exactly) and their non-zero targets are
 * marked in a bit set (BITS, left all zero), and examplePass's loop body runs over the
 * marked outputs only, in increasing j. An unmarked output is inactive with target 0 in
 * all four lanes, where examplePass adds only exact zeros; a lane where a marked output
 * does not fire gets the same exact zeros from the same code. Processing order across
 * examples does not matter: each example's sums are its own. STATS gets [max |h|,
 * outputs with z > 0, candidates tested].
 */
export function sparseExamplePass(
  n: i32, tStart: i32, tEnd: i32, gradScale: f64,
  parts: i32, K: i32, bins: i32,
  W0f: usize, W1f: usize, bf: usize,
  rowStart: usize, index: usize, value: usize,
  H0: usize, H1: usize, G0: usize, G1: usize, SE: usize, R: usize, PHI: usize,
  ACOS: usize, acosSteps: i32, BIN: usize, SMIN: usize, IDX: usize, SW0: usize, SW1: usize, SBB: usize,
  BITS: usize, WIN: usize, STATS: usize, ORDER: usize, HIST: usize, PJ: usize,
): void {
  const tiers = K + 3;
  const words = (load<i32>(BIN + (<usize>(parts * tiers * bins) << 2)) + 63) >> 6;
  const angleScale: f64 = <f64>bins / TWO_PI;
  memory.fill(HIST, 0, <usize>(bins + 1) << 2);
  store<f64>(STATS + 8, 0);
  store<f64>(STATS + 16, 0);
  let maxR: f64 = 0;
  for (let t = tStart; t < tEnd; t++) {
    let h0: f64 = 0, h1: f64 = 0;
    for (let k = load<i32>(rowStart + (<usize>t << 2)), end = load<i32>(rowStart + (<usize>(t + 1) << 2)); k < end; k++) {
      const j = <usize>load<i32>(index + (<usize>k << 2)) << 3;
      const x = valueAt(value, k);
      h0 += load<f64>(W0f + j) * x;
      h1 += load<f64>(W1f + j) * x;
    }
    const r = Math.sqrt(h0 * h0 + h1 * h1);
    const phi = Math.atan2(h1, h0);
    if (r > maxR) maxR = r;
    const o = <usize>t << 3;
    store<f64>(H0 + o, h0); store<f64>(H1 + o, h1);
    store<f64>(R + o, r); store<f64>(PHI + o, phi);
    const at = HIST + (<usize>(1 + min(bins - 1, max(0, <i32>Math.floor((phi + Math.PI) * angleScale)))) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  for (let a = 0; a < bins; a++) {
    const at = HIST + (<usize>(a + 1) << 2);
    store<i32>(at, load<i32>(at) + load<i32>(at - 4));
  }
  for (let t = tStart; t < tEnd; t++) {
    const phi = load<f64>(PHI + (<usize>t << 3));
    const at = HIST + (<usize>min(bins - 1, max(0, <i32>Math.floor((phi + Math.PI) * angleScale))) << 2);
    const slot = load<i32>(at);
    store<i32>(at, slot + 1);
    store<i32>(ORDER + (<usize>(tStart + slot) << 2), t);
  }
  const gs = f64x2.splat(gradScale);
  const zero = f64x2.splat(0);
  let visited: f64 = 0;
  for (let g = tStart; g < tEnd; g += 4) {
    // Lanes a, b, c, d; a missing lane (-1) computes with h = 0 and no targets, unused.
    const ta = load<i32>(ORDER + (<usize>g << 2));
    const tb = g + 1 < tEnd ? load<i32>(ORDER + (<usize>(g + 1) << 2)) : -1;
    const tc = g + 2 < tEnd ? load<i32>(ORDER + (<usize>(g + 2) << 2)) : -1;
    const td = g + 3 < tEnd ? load<i32>(ORDER + (<usize>(g + 3) << 2)) : -1;
    let hA0: f64 = 0, hA1: f64 = 0, hB0: f64 = 0, hB1: f64 = 0, hC0: f64 = 0, hC1: f64 = 0, hD0: f64 = 0, hD1: f64 = 0;
    let ka = 0, aEnd = 0, kb = 0, bEnd = 0, kc = 0, cEnd = 0, kd = 0, dEnd = 0;
    let rA: f64 = 0, rB: f64 = 0, rC: f64 = 0, rD: f64 = 0, phiA: f64 = 0, phiB: f64 = 0, phiC: f64 = 0, phiD: f64 = 0;
    let lanes = 1;
    {
      const o = <usize>ta << 3;
      hA0 = load<f64>(H0 + o); hA1 = load<f64>(H1 + o); rA = load<f64>(R + o); phiA = load<f64>(PHI + o);
      markTargets(BITS, rowStart, index, ta);
      ka = load<i32>(rowStart + (<usize>ta << 2)); aEnd = load<i32>(rowStart + (<usize>(ta + 1) << 2));
    }
    if (tb >= 0) {
      const o = <usize>tb << 3;
      hB0 = load<f64>(H0 + o); hB1 = load<f64>(H1 + o); rB = load<f64>(R + o); phiB = load<f64>(PHI + o);
      markTargets(BITS, rowStart, index, tb);
      kb = load<i32>(rowStart + (<usize>tb << 2)); bEnd = load<i32>(rowStart + (<usize>(tb + 1) << 2));
      lanes = 2;
    }
    if (tc >= 0) {
      const o = <usize>tc << 3;
      hC0 = load<f64>(H0 + o); hC1 = load<f64>(H1 + o); rC = load<f64>(R + o); phiC = load<f64>(PHI + o);
      markTargets(BITS, rowStart, index, tc);
      kc = load<i32>(rowStart + (<usize>tc << 2)); cEnd = load<i32>(rowStart + (<usize>(tc + 1) << 2));
      lanes = 3;
    }
    if (td >= 0) {
      const o = <usize>td << 3;
      hD0 = load<f64>(H0 + o); hD1 = load<f64>(H1 + o); rD = load<f64>(R + o); phiD = load<f64>(PHI + o);
      markTargets(BITS, rowStart, index, td);
      kd = load<i32>(rowStart + (<usize>td << 2)); dEnd = load<i32>(rowStart + (<usize>(td + 1) << 2));
      lanes = 4;
    }
    const hP0 = f64x2.replace_lane(f64x2.splat(hA0), 1, hB0);
    const hP1 = f64x2.replace_lane(f64x2.splat(hA1), 1, hB1);
    const hQ0 = f64x2.replace_lane(f64x2.splat(hC0), 1, hD0);
    const hQ1 = f64x2.replace_lane(f64x2.splat(hC1), 1, hD1);
    markGroup(hP0, hP1, hQ0, hQ1, lanes, rA, rB, rC, rD, phiA, phiB, phiC, phiD, parts, K, bins, ACOS, acosSteps, BIN, SMIN, IDX, SW0, SW1, SBB, BITS, STATS);
    let gP0 = zero, gP1 = zero, seP = zero, gQ0 = zero, gQ1 = zero, seQ = zero;
    let nextA = rowNext(index, ka, aEnd, n), nextB = rowNext(index, kb, bEnd, n);
    let nextC = rowNext(index, kc, cEnd, n), nextD = rowNext(index, kd, dEnd, n);
    let stop = min(min(nextA, nextB), min(nextC, nextD));
    for (let w = 0; w < words; w++) {
      const wa = BITS + (<usize>w << 3);
      let word = load<u64>(wa);
      if (word == 0) continue;
      store<u64>(wa, 0);
      while (word != 0) {
        const j = (w << 6) + <i32>ctz<u64>(word);
        word &= word - 1;
        visited++;
        const p = PJ + (<usize>j << 5);
        const w0 = v128.load64_splat(p);
        const w1 = v128.load64_splat(p + 8);
        const bj = v128.load64_splat(p + 16);
        const zP = f64x2.add(f64x2.add(bj, f64x2.mul(w0, hP0)), f64x2.mul(w1, hP1));
        const zQ = f64x2.add(f64x2.add(bj, f64x2.mul(w0, hQ0)), f64x2.mul(w1, hQ1));
        if (j < stop) {
          // examplePass's zero-target body.
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
        } else {
          // examplePass's body for an output that is a non-zero target in some lanes.
          let vP = zero, vQ = zero;
          if (nextA == j) { vP = f64x2.replace_lane(vP, 0, valueAt(value, ka)); ka++; nextA = rowNext(index, ka, aEnd, n); }
          if (nextB == j) { vP = f64x2.replace_lane(vP, 1, valueAt(value, kb)); kb++; nextB = rowNext(index, kb, bEnd, n); }
          if (nextC == j) { vQ = f64x2.replace_lane(vQ, 0, valueAt(value, kc)); kc++; nextC = rowNext(index, kc, cEnd, n); }
          if (nextD == j) { vQ = f64x2.replace_lane(vQ, 1, valueAt(value, kd)); kd++; nextD = rowNext(index, kd, dEnd, n); }
          stop = min(min(nextA, nextB), min(nextC, nextD));
          const diffP = f64x2.sub(relu(zP), vP);
          const diffQ = f64x2.sub(relu(zQ), vQ);
          seP = f64x2.add(seP, f64x2.mul(diffP, diffP));
          seQ = f64x2.add(seQ, f64x2.mul(diffQ, diffQ));
          const dP = f64x2.mul(gs, v128.and(diffP, f64x2.gt(zP, zero)));
          const dQ = f64x2.mul(gs, v128.and(diffQ, f64x2.gt(zQ, zero)));
          gP0 = f64x2.add(gP0, f64x2.mul(w0, dP));
          gQ0 = f64x2.add(gQ0, f64x2.mul(w0, dQ));
          gP1 = f64x2.add(gP1, f64x2.mul(w1, dP));
          gQ1 = f64x2.add(gQ1, f64x2.mul(w1, dQ));
        }
      }
    }
    {
      const o = <usize>ta << 3;
      store<f64>(G0 + o, f64x2.extract_lane(gP0, 0)); store<f64>(G1 + o, f64x2.extract_lane(gP1, 0)); store<f64>(SE + o, f64x2.extract_lane(seP, 0));
    }
    if (tb >= 0) {
      const o = <usize>tb << 3;
      store<f64>(G0 + o, f64x2.extract_lane(gP0, 1)); store<f64>(G1 + o, f64x2.extract_lane(gP1, 1)); store<f64>(SE + o, f64x2.extract_lane(seP, 1));
    }
    if (tc >= 0) {
      const o = <usize>tc << 3;
      store<f64>(G0 + o, f64x2.extract_lane(gQ0, 0)); store<f64>(G1 + o, f64x2.extract_lane(gQ1, 0)); store<f64>(SE + o, f64x2.extract_lane(seQ, 0));
    }
    if (td >= 0) {
      const o = <usize>td << 3;
      store<f64>(G0 + o, f64x2.extract_lane(gQ0, 1)); store<f64>(G1 + o, f64x2.extract_lane(gQ1, 1)); store<f64>(SE + o, f64x2.extract_lane(seQ, 1));
    }
  }
  store<f64>(STATS, maxR);
  store<f64>(STATS + 24, visited * 4);
}

/**
 * Pass 2, active outputs only, for feature range `part` (the features prepare placed at
 * positions BIN[part's first key] .. BIN[next part's first key]): the same dL/db_j and
 * dL/dW_·j as featurePass, bit for bit. Examples are walked in order; per example the
 * tier windows give the candidates, processed two at a time with the zero-target formula
 * (an inactive one adds exact zeros), with the example's targets masked out (KEEP) and
 * added with the target formula. Sums run per block of `blockSize` examples (block
 * accumulators ACC*), block sums added in block order (TOT*), then written back by j.
 */
export function sparseFeaturePass(
  n: i32, T: i32, blockSize: i32, gradScale: f64,
  part: i32, parts: i32, K: i32, bins: i32,
  rowStart: usize, index: usize, value: usize,
  H0: usize, H1: usize, G0: usize, G1: usize, R: usize, PHI: usize,
  ACOS: usize, acosSteps: i32, BIN: usize, SMIN: usize, POS: usize, IDX: usize, SW0: usize, SW1: usize, SBB: usize, KEEP: usize,
  ACCB: usize, ACC0: usize, ACC1: usize, TOTB: usize, TOT0: usize, TOT1: usize,
  gW0: usize, gW1: usize, gb: usize, WIN: usize,
): void {
  const tiers = K + 3;
  const pStart = load<i32>(BIN + (<usize>(part * tiers * bins) << 2));
  const pEnd = load<i32>(BIN + (<usize>((part + 1) * tiers * bins) << 2));
  if (pEnd <= pStart) return;
  const span = <usize>(pEnd - pStart) << 3;
  const first = <usize>pStart << 3;
  // The features this part owns (the same ranges prepare used).
  const nPadGroups = (load<i32>(BIN + (<usize>(parts * tiers * bins) << 2))) / 4;
  const jStart = 4 * <i32>((<i64>part * <i64>nPadGroups) / <i64>parts);
  const jEnd = 4 * <i32>((<i64>(part + 1) * <i64>nPadGroups) / <i64>parts);
  memory.fill(TOTB + first, 0, span);
  memory.fill(TOT0 + first, 0, span);
  memory.fill(TOT1 + first, 0, span);
  const gs = f64x2.splat(gradScale);
  const zero = f64x2.splat(0);
  for (let blockStart = 0; blockStart < T; blockStart += blockSize) {
    const blockEnd = min(T, blockStart + blockSize);
    memory.fill(ACCB + first, 0, span);
    memory.fill(ACC0 + first, 0, span);
    memory.fill(ACC1 + first, 0, span);
    for (let t = blockStart; t < blockEnd; t++) {
      const o = <usize>t << 3;
      const h0 = load<f64>(H0 + o), h1 = load<f64>(H1 + o);
      const r = load<f64>(R + o), phi = load<f64>(PHI + o);
      const hv0 = f64x2.splat(h0), hv1 = f64x2.splat(h1);
      const kStart = load<i32>(rowStart + (<usize>t << 2));
      const kEnd = load<i32>(rowStart + (<usize>(t + 1) << 2));
      for (let k = kStart; k < kEnd; k++) {
        const j = load<i32>(index + (<usize>k << 2));
        if (j >= jStart && j < jEnd) store<i64>(KEEP + (<usize>load<i32>(POS + (<usize>j << 2)) << 3), 0);
      }
      for (let k = 0; k < tiers - 1; k++) {
        const mode = windowOf(load<f64>(SMIN + (<usize>k << 3)), r, phi, bins, ACOS, acosSteps, WIN);
        if (mode == 0) continue;
        const lo = mode == 1 ? 0 : load<i32>(WIN), hi = mode == 1 ? bins - 1 : load<i32>(WIN + 4);
        const base = BIN + (<usize>((part * tiers + k) * bins) << 2);
        let a0 = load<i32>(base + (<usize>lo << 2)), a1: i32, b0: i32 = 0, b1: i32 = 0;
        if (lo <= hi) a1 = load<i32>(base + (<usize>(hi + 1) << 2));
        else {
          a1 = load<i32>(base + (<usize>bins << 2));
          b0 = load<i32>(base);
          b1 = load<i32>(base + (<usize>(hi + 1) << 2));
        }
        for (let run = 0; run < 2; run++) {
          const from = run == 0 ? a0 : b0, to = run == 0 ? a1 : b1;
          let p = from;
          for (; p + 1 < to; p += 2) {
            const q = <usize>p << 3;
            const z = f64x2.add(f64x2.add(v128.load(SBB + q), f64x2.mul(v128.load(SW0 + q), hv0)), f64x2.mul(v128.load(SW1 + q), hv1));
            const d = v128.and(f64x2.mul(gs, reluFast(z)), v128.load(KEEP + q));
            v128.store(ACCB + q, f64x2.add(v128.load(ACCB + q), d));
            v128.store(ACC0 + q, f64x2.add(v128.load(ACC0 + q), f64x2.mul(d, hv0)));
            v128.store(ACC1 + q, f64x2.add(v128.load(ACC1 + q), f64x2.mul(d, hv1)));
          }
          if (p < to) {
            const q = <usize>p << 3;
            const z = (load<f64>(SBB + q) + load<f64>(SW0 + q) * h0) + load<f64>(SW1 + q) * h1;
            const d = reinterpret<f64>(reinterpret<i64>(gradScale * (z > 0 ? z : 0)) & load<i64>(KEEP + q));
            store<f64>(ACCB + q, load<f64>(ACCB + q) + d);
            store<f64>(ACC0 + q, load<f64>(ACC0 + q) + d * h0);
            store<f64>(ACC1 + q, load<f64>(ACC1 + q) + d * h1);
          }
        }
      }
      // This example's targets in range: the target formula, encoder term last.
      const g0 = load<f64>(G0 + o), g1 = load<f64>(G1 + o);
      for (let k = kStart; k < kEnd; k++) {
        const j = load<i32>(index + (<usize>k << 2));
        if (j < jStart || j >= jEnd) continue;
        const q = <usize>load<i32>(POS + (<usize>j << 2)) << 3;
        store<i64>(KEEP + q, -1);
        const v = valueAt(value, k);
        const z = (load<f64>(SBB + q) + load<f64>(SW0 + q) * h0) + load<f64>(SW1 + q) * h1;
        const diff = relu1(z) - v;
        const d = gradScale * (z > 0 ? diff : 0);
        store<f64>(ACCB + q, load<f64>(ACCB + q) + d);
        store<f64>(ACC0 + q, (load<f64>(ACC0 + q) + d * h0) + g0 * v);
        store<f64>(ACC1 + q, (load<f64>(ACC1 + q) + d * h1) + g1 * v);
      }
    }
    for (let p = pStart; p < pEnd; p++) {
      const q = <usize>p << 3;
      store<f64>(TOTB + q, load<f64>(TOTB + q) + load<f64>(ACCB + q));
      store<f64>(TOT0 + q, load<f64>(TOT0 + q) + load<f64>(ACC0 + q));
      store<f64>(TOT1 + q, load<f64>(TOT1 + q) + load<f64>(ACC1 + q));
    }
  }
  for (let p = pStart; p < pEnd; p++) {
    const q = <usize>p << 3;
    const j = <usize>load<i32>(IDX + (<usize>p << 2)) << 3;
    store<f64>(gb + j, load<f64>(TOTB + q));
    store<f64>(gW0 + j, load<f64>(TOT0 + q));
    store<f64>(gW1 + j, load<f64>(TOT1 + q));
  }
}

/**
 * dst[i] = src[i] widened from float32 to float64 for i < count (a multiple of four): the
 * per-step float64 copies of W and b (W0f, W1f, bf). Promotion is exact, so this writes the
 * same values as a typed-array copy, about five times faster (issue 26: at T = 3 the copy
 * in JavaScript was a fifth of a step).
 */
export function widen(src: usize, dst: usize, count: i32): void {
  for (let i = 0; i < count; i += 4) {
    const q = <usize>i;
    const four = v128.load(src + (q << 2));
    v128.store(dst + (q << 3), f64x2.promote_low_f32x4(four));
    v128.store(dst + (q << 3) + 16, f64x2.promote_low_f32x4(i32x4.shuffle(four, four, 2, 3, 0, 1)));
  }
}
