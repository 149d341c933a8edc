/**
 * The optimizer step in WebAssembly, in place: a run's parameters, Adam moments and
 * gradients live in one WebAssembly memory while it trains, so each step is one kernel
 * call with nothing copied. In JavaScript the update was more than half of a step at
 * small T (post 2's T = 3 runs: n = 10,000 outputs, three examples), where the engines'
 * own work is small.
 *
 * The kernel (wasm/adamw.as.ts) performs adamwUpdate's float64 operations in the same
 * order, with the same float32 roundings, two parameters per SIMD vector: bitwise the
 * same result (tests/unit/adamw-wasm.test.ts holds it to adamw.ts on random and edge
 * values; the reproducibility tests retrain committed runs through it).
 */
import { ADAM_BETA1, ADAM_BETA2, adamwScalars, type AdamState } from './adamw.ts';
import type { Gradients } from './engine.ts';
import type { Parameters } from './init.ts';
import { ADAMW_KERNEL_WASM_BASE64 } from './wasm/adamw.wasm.ts';

type AdamwKernel = (
  param: number, m: number, v: number, grad: number, count: number,
  beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
  decay: number, stepSize: number, sqrtCorrection2: number, eps: number, gradDivisor: number,
) => void;

let compiled: WebAssembly.Module | null = null;
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(ADAMW_KERNEL_WASM_BASE64, 'base64'));
  return compiled;
}

interface KernelInstance {
  memory: WebAssembly.Memory;
  adamw: AdamwKernel;
}

/**
 * Instances no run holds now, for the next run in this thread to reuse. WebAssembly
 * reserves about 10 GiB of address space per memory (pipeline/cli/memory.mjs), so a
 * process that trains many runs one after another (the pipeline, the tests) keeps one,
 * not one per run waiting for the garbage collector. So a view of the memory kept past
 * release() may show the next run's numbers: the loop's checkpoint hook reads them while
 * they are current, snapshots are copies, and the returned state has its own arrays.
 */
const idle: KernelInstance[] = [];

function acquire(bytes: number): KernelInstance {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const instance = idle.pop();
  if (!instance) {
    const memory = new WebAssembly.Memory({ initial: pages });
    return { memory, adamw: new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports.adamw as AdamwKernel };
  }
  const have = instance.memory.buffer.byteLength / 65536;
  if (have < pages) instance.memory.grow(pages - have);
  return instance;
}

/** One tensor's parameters, moments and gradient, as views into the memory. */
interface Slot {
  param: Float32Array;
  m: Float32Array;
  v: Float32Array;
  grad: Float64Array;
}

/** What a training loop holds while the memory holds the run. */
export interface ResidentOptimizer {
  /** Gradients for the engine to write, in the memory. */
  grads: Gradients;
  /**
   * One AdamW update of W (and b when `bias`), as adamwUpdate would make it, of the
   * gradients divided by `gradDivisor` (the 'mean' loss convention's n; 1: as they are).
   */
  step(step: number, lr: number, weightDecay: number, eps: number, bias: boolean, gradDivisor?: number): void;
  /** Copies parameters and moments back into the arrays they came from and puts those back on the state. */
  release(): void;
}

/**
 * Moves `state`'s parameters and moments into a WebAssembly memory of their own: until
 * release(), state.params.W, .b and the moments' m and v are views of it (what a
 * checkpoint taken meanwhile reads; the state's objects stay the same, only these fields
 * change), and the arrays they replaced are left alone; release() writes the current
 * values back into those arrays and puts them back.
 */
export function residentOptimizer(state: { params: Parameters; adamW: AdamState; adamB: AdamState }): ResidentOptimizer {
  const W = state.params.W.length;
  const B = state.params.b.length;
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const instance = acquire(align(8 * W) + align(8 * B) + 3 * align(4 * W) + 3 * align(4 * B));
  const buffer = instance.memory.buffer;
  let at = 0;
  const take = <A extends Float32Array | Float64Array>(Kind: new (buffer: ArrayBuffer, offset: number, length: number) => A, length: number): A => {
    const view = new Kind(buffer, at, length);
    at += align(view.byteLength);
    return view;
  };
  const grads = { W: take(Float64Array, W), b: take(Float64Array, B) };
  // The six float32 arrays a step updates, each copied into the memory and replaced on its object by the view.
  const holders: [Record<string, Float32Array>, string][] = [
    [state.params as unknown as Record<string, Float32Array>, 'W'],
    [state.adamW as unknown as Record<string, Float32Array>, 'm'],
    [state.adamW as unknown as Record<string, Float32Array>, 'v'],
    [state.params as unknown as Record<string, Float32Array>, 'b'],
    [state.adamB as unknown as Record<string, Float32Array>, 'm'],
    [state.adamB as unknown as Record<string, Float32Array>, 'v'],
  ];
  const moved = holders.map(([holder, field]) => {
    const own = holder[field];
    const view = take(Float32Array, own.length);
    view.set(own);
    holder[field] = view;
    return { holder, field, own, view };
  });
  const slotW: Slot = { param: moved[0].view, m: moved[1].view, v: moved[2].view, grad: grads.W };
  const slotB: Slot = { param: moved[3].view, m: moved[4].view, v: moved[5].view, grad: grads.b };
  const update = (slot: Slot, scalars: ReturnType<typeof adamwScalars>, eps: number, gradDivisor: number) =>
    instance.adamw(slot.param.byteOffset, slot.m.byteOffset, slot.v.byteOffset, slot.grad.byteOffset, slot.param.length, ADAM_BETA1, 1 - ADAM_BETA1, ADAM_BETA2, 1 - ADAM_BETA2, scalars.decay, scalars.stepSize, scalars.sqrtCorrection2, eps, gradDivisor);

  let released = false;
  return {
    grads,
    step(step, lr, weightDecay, eps, bias, gradDivisor = 1) {
      const scalars = adamwScalars(step, lr, weightDecay);
      update(slotW, scalars, eps, gradDivisor);
      if (bias) update(slotB, scalars, eps, gradDivisor);
    },
    release() {
      if (released) return;
      released = true;
      for (const { holder, field, own, view } of moved) {
        own.set(view);
        holder[field] = own;
      }
      idle.push(instance);
    },
  };
}
