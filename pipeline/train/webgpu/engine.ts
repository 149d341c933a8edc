/**
 * `webgpu`: the tied ReLU autoencoder's loss and exact gradient in WGSL compute shaders
 * (shaders.ts) through Dawn for Node (the `webgpu` package), float32 throughout.
 *
 * The engine only evaluates; AdamW, the schedule and checkpoints stay in the shared loop
 * (loop.ts), on the CPU, exactly as for the other engines. Each step uploads W and b
 * (3n floats for m = 2), runs three dispatches and reads back dL/dW, dL/db and the loss.
 *
 * Data live on the GPU as CSR (examples) and CSC (features) copies of the non-zeros:
 * O(non-zeros + m T + n) memory, never a T × n matrix.
 *
 * Adapter policy (device.ts): a hardware GPU, or a software one only when explicitly
 * allowed (WEBGPU_ALLOW_SOFTWARE=1); otherwise a one-line error.
 */
import type { SparseExamples } from '../../data/datasets.ts';
import type { AsyncModel, Engine, Gradients } from '../engine.ts';
import type { Parameters } from '../init.ts';
import { chooseAdapter, deviceFor, webgpuGlobals, WORKGROUP_SIZE, type GpuAdapter } from './device.ts';
import { BINDING, kernelSource, MAX_M } from './shaders.ts';

interface Flags {
  GPUBufferUsage: { STORAGE: number; UNIFORM: number; COPY_SRC: number; COPY_DST: number; MAP_READ: number };
  GPUMapMode: { READ: number };
}

/** Dispatch shape for `count` workgroups within the per-dimension limit: [x, y]. */
export function dispatchShape(count: number, maxPerDimension: number): [number, number] {
  const x = Math.max(1, Math.min(count, maxPerDimension));
  return [x, Math.ceil(count / x)];
}

/** The non-zeros regrouped by feature: colStart (n + 1) and (example, value) in example order per feature. */
export function transpose(examples: SparseExamples): { colStart: Uint32Array; colRow: Uint32Array; colValue: Float32Array } {
  const { n, T, rowStart, index, value } = examples;
  const colStart = new Uint32Array(n + 1);
  for (let k = 0; k < index.length; k++) colStart[index[k] + 1]++;
  for (let j = 0; j < n; j++) colStart[j + 1] += colStart[j];
  const next = colStart.slice(0, n);
  const colRow = new Uint32Array(index.length);
  const colValue = new Float32Array(index.length);
  for (let t = 0; t < T; t++) {
    for (let k = rowStart[t]; k < rowStart[t + 1]; k++) {
      const at = next[index[k]]++;
      colRow[at] = t;
      colValue[at] = value[k];
    }
  }
  return { colStart, colRow, colValue };
}

/** start (count + 1 offsets) followed by interleaved (index, value bits) pairs. */
function packedSparse(start: ArrayLike<number>, index: ArrayLike<number>, value: Float32Array): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(start.length + 2 * index.length);
  words.set(start as ArrayLike<number>);
  const bits = new Uint32Array(value.buffer, value.byteOffset, value.length);
  for (let k = 0; k < index.length; k++) {
    words[start.length + 2 * k] = index[k];
    words[start.length + 2 * k + 1] = bits[k];
  }
  return words;
}

function assertSortedRows(examples: SparseExamples): void {
  const { T, rowStart, index } = examples;
  for (let t = 0; t < T; t++) {
    for (let k = rowStart[t] + 1; k < rowStart[t + 1]; k++) {
      if (index[k] <= index[k - 1]) throw new Error(`webgpu: example ${t} has unsorted or repeated indices; the kernels walk each example's non-zeros in increasing order`);
    }
  }
}

export async function createWebgpuModel(examples: SparseExamples, m: number, chosen?: GpuAdapter): Promise<AsyncModel> {
  const gpu = chosen ?? (await chooseAdapter());
  const device = await deviceFor(gpu);
  const { GPUBufferUsage: Usage, GPUMapMode: MapMode } = (await webgpuGlobals()) as Flags;
  const { n, T } = examples;
  if (!Number.isInteger(m) || m < 1 || m > MAX_M) throw new Error(`webgpu: the kernels take 1 ≤ m ≤ ${MAX_M} (got m = ${m}); use the fused engine for larger m`);
  assertSortedRows(examples);
  const { colStart, colRow, colValue } = transpose(examples);
  const rowWords = packedSparse(examples.rowStart, examples.index, examples.value);
  const colWords = packedSparse(colStart, colRow, colValue);

  const limits = device.limits;
  const storageBytes = { rows: rowWords.byteLength, cols: colWords.byteLength, perExample: 4 * (2 * m + 1) * T, params: 4 * (m + 1) * n, result: 4 * ((m + 1) * n + 1) };
  for (const [name, bytes] of Object.entries(storageBytes)) {
    if (bytes > limits.maxStorageBufferBindingSize) {
      throw new Error(`webgpu: the ${name} buffer needs ${bytes} bytes, over this device's storage-binding limit of ${limits.maxStorageBufferBindingSize}`);
    }
  }

  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const buffers: GPUBuffer[] = [];
  const storage = (bytes: number, usage: number) => {
    const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
    buffers.push(buffer);
    return buffer;
  };
  const sizesBuffer = storage(32, Usage.UNIFORM | Usage.COPY_DST);
  const params = storage(storageBytes.params, Usage.STORAGE | Usage.COPY_DST);
  const rows = storage(storageBytes.rows, Usage.STORAGE | Usage.COPY_DST);
  const cols = storage(storageBytes.cols, Usage.STORAGE | Usage.COPY_DST);
  const perExample = storage(storageBytes.perExample, Usage.STORAGE);
  const result = storage(storageBytes.result, Usage.STORAGE | Usage.COPY_SRC);
  const readback = storage(storageBytes.result, Usage.MAP_READ | Usage.COPY_DST);

  const maxGroups = limits.maxComputeWorkgroupsPerDimension;
  const exampleShape = dispatchShape(T, maxGroups);
  const featureShape = dispatchShape(n, maxGroups);
  const sizes = new ArrayBuffer(32);
  new Uint32Array(sizes, 0, 2).set([n, T]);
  new Float32Array(sizes, 8, 1)[0] = 2 / T;
  new Uint32Array(sizes, 12, 2).set([exampleShape[0], featureShape[0]]);
  device.queue.writeBuffer(sizesBuffer, 0, sizes);
  device.queue.writeBuffer(rows, 0, rowWords);
  device.queue.writeBuffer(cols, 0, colWords);

  const module = device.createShaderModule({ code: kernelSource({ m, workgroupSize: WORKGROUP_SIZE }) });
  const compiled = await module.getCompilationInfo();
  const errors = compiled.messages.filter((message) => message.type === 'error');
  if (errors.length > 0) throw new Error(`webgpu: kernel compilation failed: ${errors.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join('; ')}`);
  const resources: Record<number, GPUBuffer> = {
    [BINDING.sizes]: sizesBuffer,
    [BINDING.params]: params,
    [BINDING.rows]: rows,
    [BINDING.cols]: cols,
    [BINDING.perExample]: perExample,
    [BINDING.result]: result,
  };
  // Each entry point binds only what it uses (layout 'auto' drops the rest), which keeps
  // every pass within compatibility mode's four storage buffers per stage.
  const kernel = (entryPoint: string, uses: number[]) => {
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint } });
    const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: uses.map((binding) => ({ binding, resource: { buffer: resources[binding] } })) });
    return { pipeline, bindGroup };
  };
  const examplePass = kernel('examplePass', [BINDING.sizes, BINDING.params, BINDING.rows, BINDING.perExample]);
  const featurePass = kernel('featurePass', [BINDING.sizes, BINDING.params, BINDING.cols, BINDING.perExample, BINDING.result]);
  const lossPass = kernel('lossPass', [BINDING.sizes, BINDING.perExample, BINDING.result]);
  const outOfMemory = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  if (outOfMemory || invalid) {
    for (const buffer of buffers) buffer.destroy();
    throw new Error(`webgpu: setting up the kernels failed: ${(outOfMemory ?? invalid)!.message}`);
  }

  const lossOffset = 4 * (m + 1) * n;
  let busy = false;

  async function evaluate(p: Parameters, grads: Gradients | null): Promise<number> {
    if (busy) throw new Error('webgpu: a model evaluates one step at a time (await the previous call)');
    busy = true;
    try {
      device.queue.writeBuffer(params, 0, p.W.buffer, p.W.byteOffset, 4 * m * n);
      device.queue.writeBuffer(params, 4 * m * n, p.b.buffer, p.b.byteOffset, 4 * n);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(examplePass.pipeline);
      pass.setBindGroup(0, examplePass.bindGroup);
      pass.dispatchWorkgroups(...exampleShape);
      if (grads) {
        pass.setPipeline(featurePass.pipeline);
        pass.setBindGroup(0, featurePass.bindGroup);
        pass.dispatchWorkgroups(...featureShape);
      }
      pass.setPipeline(lossPass.pipeline);
      pass.setBindGroup(0, lossPass.bindGroup);
      pass.dispatchWorkgroups(1);
      pass.end();
      if (grads) encoder.copyBufferToBuffer(result, 0, readback, 0, lossOffset + 4);
      else encoder.copyBufferToBuffer(result, lossOffset, readback, lossOffset, 4);
      device.queue.submit([encoder.finish()]);
      // Mapped from 0: a map offset must be a multiple of 8, the loss's offset need not be.
      await readback.mapAsync(MapMode.READ, 0, lossOffset + 4);
      try {
        const values = new Float32Array(readback.getMappedRange(0, lossOffset + 4));
        if (grads) {
          grads.W.set(values.subarray(0, m * n));
          grads.b.set(values.subarray(m * n, (m + 1) * n));
        }
        return values[(m + 1) * n] / T;
      } finally {
        readback.unmap();
      }
    } finally {
      busy = false;
    }
  }

  return {
    lossAndGradient: (p, grads) => evaluate(p, grads),
    loss: (p) => evaluate(p, null),
    dispose() {
      for (const buffer of buffers) buffer.destroy();
    },
  };
}

export const webgpuEngine: Engine = {
  id: 'webgpu',
  sourceEntry: 'pipeline/train/webgpu/engine.ts',
  threads: 1,
  backend: async () => {
    const chosen = await chooseAdapter();
    return `webgpu (${chosen.name}${chosen.software ? ', software' : ''})`;
  },
  createModel: (examples, m) => createWebgpuModel(examples, m),
};
