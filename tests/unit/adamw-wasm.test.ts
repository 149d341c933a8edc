/**
 * The WebAssembly optimizer step (pipeline/train/adamwWasm.ts) is adamwUpdate
 * (pipeline/train/adamw.ts) bit for bit: on random values over many steps, on edge values
 * (zeros of both signs, subnormals, huge and tiny gradients, float32's extremes, NaN and
 * infinities), for lengths that do and do not fill its SIMD vectors, with and without the
 * bias step; and it hands the arrays back as it found them.
 */
import { describe, expect, it } from 'vitest';
import { ADAM_EPS, adamwUpdate, type AdamState } from '../../pipeline/train/adamw.ts';
import { residentOptimizer } from '../../pipeline/train/adamwWasm.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ADAMW_KERNEL_SOURCE_SHA256 } from '../../pipeline/train/wasm/adamw.wasm.ts';
import { REPO_ROOT, sha256 } from '../../pipeline/store/provenance.ts';

function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const EDGES = [0, -0, 1e-45, -1e-45, 1e-40, 3.4e38, -3.4e38, 1e-300, 1e300, -1e300, 1, -1, 0.1, 1e-8, -1e-8, Infinity, -Infinity, NaN];

interface Case {
  W: Float32Array;
  b: Float32Array;
  adamW: AdamState;
  adamB: AdamState;
  grads: { W: Float64Array; b: Float64Array }[];
}

function makeCase(length: number, steps: number, seed: number, edges: boolean): Case {
  const random = generator(seed);
  const value = (scale: number) => (edges && random() < 0.3 ? EDGES[Math.floor(random() * EDGES.length)] : (random() - 0.5) * scale);
  const floats = (k: number, scale: number) => Float32Array.from({ length: k }, () => value(scale));
  const adam = (k: number): AdamState => ({ m: floats(k, 0.01), v: Float32Array.from({ length: k }, () => (edges && random() < 0.2 ? EDGES[Math.floor(random() * 6)] : random() * 1e-4)) });
  return {
    W: floats(2 * length, 2),
    b: floats(length, 0.2),
    adamW: adam(2 * length),
    adamB: adam(length),
    grads: Array.from({ length: steps }, () => ({ W: Float64Array.from({ length: 2 * length }, () => value(1)), b: Float64Array.from({ length }, () => value(0.1)) })),
  };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));
/** Float32 bit patterns, every NaN written as one (the two may produce different NaN payloads; training stops at any NaN). */
const canonical = (a: Float32Array) => bits(a).map((x, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : x));

/**
 * The reference and the kernel over the case's gradients. With a `gradDivisor`, the
 * reference is handed the gradients already divided (as the training loop once divided
 * them in a pass of its own) and the kernel divides them as it reads them.
 */
function trainBoth(c: Case, bias: boolean, eps: number, gradDivisor = 1) {
  const copy = (s: AdamState): AdamState => ({ m: s.m.slice(), v: s.v.slice() });
  const reference = { W: c.W.slice(), b: c.b.slice(), adamW: copy(c.adamW), adamB: copy(c.adamB) };
  const wasm = { params: { m: 2, n: c.b.length, W: c.W.slice(), b: c.b.slice() }, adamW: copy(c.adamW), adamB: copy(c.adamB) };
  const arrays = [wasm.params.W, wasm.params.b, wasm.adamW.m, wasm.adamW.v, wasm.adamB.m, wasm.adamB.v];
  const optimizer = residentOptimizer(wasm);
  c.grads.forEach((g, k) => {
    const lr = 1e-3 * (1 + k);
    const divided = (x: Float64Array) => (gradDivisor === 1 ? x : x.map((value) => value / gradDivisor));
    adamwUpdate(reference.W, divided(g.W), reference.adamW, k + 1, lr, 1e-2, eps);
    if (bias) adamwUpdate(reference.b, divided(g.b), reference.adamB, k + 1, lr, 1e-2, eps);
    optimizer.grads.W.set(g.W);
    optimizer.grads.b.set(g.b);
    optimizer.step(k + 1, lr, 1e-2, eps, bias, gradDivisor);
  });
  optimizer.release();
  const after = [wasm.params.W, wasm.params.b, wasm.adamW.m, wasm.adamW.v, wasm.adamB.m, wasm.adamB.v];
  return { reference, wasm, sameArrays: after.every((a, i) => a === arrays[i]) };
}

describe('the WebAssembly AdamW step', () => {
  it.each([
    ['random values, 1,000 steps, n = 1,000', 1000, 1000, false, true, ADAM_EPS, 1],
    ['random values, odd n = 7 (a scalar tail), no bias', 7, 200, false, false, ADAM_EPS, 1],
    ['n = 1', 1, 50, false, true, 1e-4, 1],
    ['edge values, n = 301', 301, 40, true, true, ADAM_EPS, 1],
    ['edge values, ε = 0', 64, 40, true, true, 0, 1],
    ['gradients divided by n = 10,000 (the mean convention), odd n = 301', 301, 200, false, true, ADAM_EPS, 10_000],
    ['edge values divided by 3, no bias', 65, 40, true, false, ADAM_EPS, 3],
  ] as const)('equals adamwUpdate bit for bit: %s', (_name, length, steps, edges, bias, eps, gradDivisor) => {
    const c = makeCase(length, steps, 7 + length, edges);
    const { reference, wasm } = trainBoth(c, bias, eps, gradDivisor);
    expect(canonical(wasm.params.W)).toEqual(canonical(reference.W));
    expect(canonical(wasm.params.b)).toEqual(canonical(reference.b));
    expect(canonical(wasm.adamW.m)).toEqual(canonical(reference.adamW.m));
    expect(canonical(wasm.adamW.v)).toEqual(canonical(reference.adamW.v));
    expect(canonical(wasm.adamB.m)).toEqual(canonical(reference.adamB.m));
    expect(canonical(wasm.adamB.v)).toEqual(canonical(reference.adamB.v));
    if (!edges) expect(wasm.params.W.some((x) => Number.isNaN(x))).toBe(false);
  });

  it('moves the parameters (a step that did nothing would also match a no-op reference)', () => {
    const c = makeCase(16, 3, 1, false);
    const { wasm } = trainBoth(c, true, ADAM_EPS);
    expect(bits(wasm.params.W)).not.toEqual(bits(c.W));
    expect(bits(wasm.params.b)).not.toEqual(bits(c.b));
  });

  it('puts the state’s own arrays back on release, holding the trained values', () => {
    const c = makeCase(10, 5, 3, false);
    const { reference, wasm, sameArrays } = trainBoth(c, true, ADAM_EPS);
    expect(sameArrays).toBe(true);
    expect(wasm.params.W.buffer.byteLength).toBe(wasm.params.W.byteLength);
    expect(bits(wasm.params.W)).toEqual(bits(reference.W));
  });

  it('runs the kernel built from the current adamw.as.ts (npm run build:kernel -- adamw)', () => {
    expect(ADAMW_KERNEL_SOURCE_SHA256).toBe(sha256(readFileSync(path.join(REPO_ROOT, 'pipeline/train/wasm/adamw.as.ts'))));
  });
});
