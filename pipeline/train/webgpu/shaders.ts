/**
 * The WGSL kernels of the `webgpu` engine: loss and exact gradient of
 * L = (1/T) Σ_t Σ_j (ReLU(WᵀW x_t + b)_j − x_tj)², float32, sparse inputs, no T × n matrix.
 *
 * One evaluation is three dispatches in one compute pass:
 *  1. examplePass, one workgroup per example t: h_t = W x_t over the non-zeros, then a walk
 *     over the n outputs (invocation i takes j = i, i + WG, …) computing each output,
 *     its squared error and dL/dh_t = Σ_j W_·j d_tj with d_tj = (2/T)(ReLU(z_tj) − x_tj)
 *     where z_tj > 0. Writes h_t, dL/dh_t and the example's squared error.
 *  2. featurePass, one workgroup per feature j: recomputes z_tj for every example
 *     (invocation i takes t = i, i + WG, …; h_t from pass 1), summing dL/db_j = Σ_t d_tj and
 *     dL/dW_rj = Σ_t d_tj h_tr + Σ_{t: x_tj ≠ 0} (dL/dh_tr) x_tj, the encoder term read from
 *     the transposed (CSC) copy of the data.
 *  3. lossPass, one workgroup: Σ_t squared error_t.
 * Targets come from merge walks: each invocation's indices increase, so it advances one
 * pointer through the example's (feature's) sorted non-zeros.
 *
 * Determinism: every sum has a fixed order that depends only on n, T and WG — invocation i
 * sums its strided terms in increasing order, then a fixed pairwise tree (reduceSlots)
 * adds the WG partial sums. No atomics, no order set by scheduling: bitwise repeatable on one device
 * (and its driver's compiler), not across devices.
 *
 * Sized for a large GPU: pass 1 launches T workgroups and pass 2 n workgroups of WG
 * invocations (n = T = 10⁴: 2.5 M invocations per pass, enough to fill an H200); the
 * parameters (3n floats) and h (m T floats) are small enough to stay in cache.
 */

/**
 * Largest m the kernels take: the partial sums of 2m + 1 quantities per invocation share
 * 16 KiB of workgroup memory, the limit every WebGPU device offers.
 */
export const MAX_M = 7;

export interface ShaderSizes {
  m: number;
  workgroupSize: number;
}

/** Binding numbers shared by the kernel source and the pipeline setup. */
export const BINDING = { sizes: 0, params: 1, rows: 2, cols: 3, perExample: 4, result: 5 } as const;

/**
 * Layouts of the storage buffers (all 32-bit words):
 *  params:     W (m × n, row-major) | b (n)
 *  rows:       rowStart (T + 1) | (column index, value bits) per non-zero, example-major (CSR)
 *  cols:       colStart (n + 1) | (example index, value bits) per non-zero, feature-major (CSC)
 *  perExample: h (T × m) | dL/dh (T × m) | squared error (T)
 *  result:     dL/dW (m × n) | dL/db (n) | Σ squared error (1)
 */
export function kernelSource({ m, workgroupSize }: ShaderSizes): string {
  const M = m;
  const WG = workgroupSize;
  return /* wgsl */ `
const M: u32 = ${M}u;
const WG: u32 = ${WG}u;

struct Sizes {
  n: u32,
  T: u32,
  // 2 / T as float32: the factor of dL/doutput.
  gradScale: f32,
  // Workgroups along x of the example and feature dispatches (the rest go along y).
  exampleGroupsX: u32,
  featureGroupsX: u32,
}

@group(0) @binding(${BINDING.sizes}) var<uniform> sizes: Sizes;
@group(0) @binding(${BINDING.params}) var<storage, read> params: array<f32>;
@group(0) @binding(${BINDING.rows}) var<storage, read> rows: array<u32>;
@group(0) @binding(${BINDING.cols}) var<storage, read> cols: array<u32>;
@group(0) @binding(${BINDING.perExample}) var<storage, read_write> perExample: array<f32>;
@group(0) @binding(${BINDING.result}) var<storage, read_write> result: array<f32>;

// Per-invocation partial sums, slot s of invocation i at s * WG + i. Values that must
// survive a barrier live here, never in function-scope arrays: Mesa's llvmpipe (the
// software adapter the tests run on) loses private arrays across barriers.
var<workgroup> encoderSums: array<f32, M * WG>;
var<workgroup> sums: array<f32, (M + 1u) * WG>;

// Adds slots [0, slots) of encoderSums (which = 0) or sums (which = 1) over the workgroup,
// in a fixed pairwise order, leaving each total in the slot's entry 0. Every invocation
// must call it (uniform control flow) after writing its own entries.
fn reduceSlots(tid: u32, which: u32, slots: u32) {
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (tid < stride) {
      for (var s = 0u; s < slots; s++) {
        if (which == 0u) {
          encoderSums[s * WG + tid] += encoderSums[s * WG + tid + stride];
        } else {
          sums[s * WG + tid] += sums[s * WG + tid + stride];
        }
      }
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(WG)
fn examplePass(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let n = sizes.n;
  let T = sizes.T;
  let t = group.y * sizes.exampleGroupsX + group.x;
  if (t >= T) {
    return; // uniform: the whole workgroup leaves
  }
  let start = rows[t];
  let end = rows[t + 1u];
  let pairs = T + 1u;

  // Encoder: h_r = Σ_k W[r, j_k] x_k over this example's non-zeros.
  for (var r = 0u; r < M; r++) {
    var acc = 0.0;
    for (var q = start + tid; q < end; q += WG) {
      acc += params[r * n + rows[pairs + 2u * q]] * bitcast<f32>(rows[pairs + 2u * q + 1u]);
    }
    encoderSums[r * WG + tid] = acc;
  }
  reduceSlots(tid, 0u, M);
  var h: array<f32, M>;
  for (var r = 0u; r < M; r++) {
    h[r] = encoderSums[r * WG];
  }

  // Decoder, loss and dL/dh in one walk over the outputs (no barrier until the sums below).
  var gh: array<f32, M>;
  var squaredError = 0.0;
  var k = start; // first non-zero whose index is >= j
  for (var j = tid; j < n; j += WG) {
    while (k < end && rows[pairs + 2u * k] < j) {
      k++;
    }
    var x = 0.0;
    if (k < end && rows[pairs + 2u * k] == j) {
      x = bitcast<f32>(rows[pairs + 2u * k + 1u]);
    }
    var z = params[M * n + j];
    for (var r = 0u; r < M; r++) {
      z += params[r * n + j] * h[r];
    }
    let diff = max(z, 0.0) - x;
    squaredError += diff * diff;
    // ReLU'(z) = 0 for z <= 0, as PyTorch and the fused engine.
    if (z > 0.0) {
      let d = sizes.gradScale * diff;
      for (var r = 0u; r < M; r++) {
        gh[r] += params[r * n + j] * d;
      }
    }
  }
  if (tid == 0u) {
    for (var r = 0u; r < M; r++) {
      perExample[t * M + r] = h[r];
    }
  }
  for (var r = 0u; r < M; r++) {
    sums[r * WG + tid] = gh[r];
  }
  sums[M * WG + tid] = squaredError;
  reduceSlots(tid, 1u, M + 1u);
  if (tid == 0u) {
    for (var r = 0u; r < M; r++) {
      perExample[T * M + t * M + r] = sums[r * WG];
    }
    perExample[2u * T * M + t] = sums[M * WG];
  }
}

@compute @workgroup_size(WG)
fn featurePass(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let n = sizes.n;
  let T = sizes.T;
  let j = group.y * sizes.featureGroupsX + group.x;
  if (j >= n) {
    return;
  }
  let start = cols[j];
  let end = cols[j + 1u];
  let pairs = n + 1u;
  var w: array<f32, M>;
  for (var r = 0u; r < M; r++) {
    w[r] = params[r * n + j];
  }
  let bias = params[M * n + j];

  var gw: array<f32, M>;
  var gb = 0.0;
  var k = start; // first non-zero of column j whose example is >= t
  for (var t = tid; t < T; t += WG) {
    while (k < end && cols[pairs + 2u * k] < t) {
      k++;
    }
    var x = 0.0;
    let hit = k < end && cols[pairs + 2u * k] == t;
    if (hit) {
      x = bitcast<f32>(cols[pairs + 2u * k + 1u]);
    }
    // The same expression, in the same order, as examplePass: the same z, the same ReLU mask.
    var z = bias;
    for (var r = 0u; r < M; r++) {
      z += w[r] * perExample[t * M + r];
    }
    if (z > 0.0) {
      let d = sizes.gradScale * (max(z, 0.0) - x);
      gb += d;
      for (var r = 0u; r < M; r++) {
        gw[r] += d * perExample[t * M + r];
      }
    }
    if (hit) {
      // Encoder term: dL/dW_rj += (dL/dh_tr) x_tj.
      for (var r = 0u; r < M; r++) {
        gw[r] += perExample[T * M + t * M + r] * x;
      }
    }
  }
  for (var r = 0u; r < M; r++) {
    sums[r * WG + tid] = gw[r];
  }
  sums[M * WG + tid] = gb;
  reduceSlots(tid, 1u, M + 1u);
  if (tid == 0u) {
    for (var r = 0u; r < M; r++) {
      result[r * n + j] = sums[r * WG];
    }
    result[M * n + j] = sums[M * WG];
  }
}

@compute @workgroup_size(WG)
fn lossPass(@builtin(local_invocation_index) tid: u32) {
  let n = sizes.n;
  let T = sizes.T;
  var acc = 0.0;
  for (var t = tid; t < T; t += WG) {
    acc += perExample[2u * T * M + t];
  }
  sums[tid] = acc;
  reduceSlots(tid, 1u, 1u);
  if (tid == 0u) {
    result[(M + 1u) * n] = sums[0];
  }
}
`;
}
