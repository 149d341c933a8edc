/**
 * The one interface every training engine implements. An engine only knows the
 * model: given parameters it returns the training loss and its exact gradient.
 * Everything else (schedule, AdamW, loss history, snapshots, checkpoints) lives in
 * the shared loop (loop.ts), so engines differ only where they are meant to.
 */
import type { EngineId } from '../experiments/types.ts';
import type { SparseExamples } from '../data/datasets.ts';
import type { Parameters } from './init.ts';

export interface Gradients {
  /** m × n row-major, float64 accumulators. */
  W: Float64Array;
  b: Float64Array;
}

export interface Model {
  /**
   * Loss L = (1/T) Σ_t Σ_j (ReLU(WᵀW x_t + b)_j − x_tj)² at `params`; writes dL/dW and
   * dL/db into `grads` (overwriting them).
   */
  lossAndGradient(params: Parameters, grads: Gradients): number;
  /** Loss only (used for the final and test losses). */
  loss(params: Parameters): number;
  dispose(): void;
}

/**
 * The same contract for an engine whose results arrive asynchronously (a GPU: the
 * gradient is read back through a mapped buffer, which Node can only await).
 */
export interface AsyncModel {
  lossAndGradient(params: Parameters, grads: Gradients): Promise<number>;
  loss(params: Parameters): Promise<number>;
  dispose(): void;
}

export interface Engine {
  id: EngineId;
  /** Source file whose import closure defines this engine's numerics (hashed into provenance). */
  sourceEntry: string;
  /** Which backend will run (e.g. "js-float64", "tfjs-wasm"). */
  backend(): Promise<string>;
  /** Threads the engine will use (recorded in metadata; results must not depend on it). */
  threads: number;
  createModel(examples: SparseExamples, m: number): Promise<Model | AsyncModel>;
}
