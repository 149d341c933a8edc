/**
 * Experiments are plain data: everything needed to reproduce one training run.
 * The `id` is a human label used by figures; every other field is part of the
 * run's provenance hash, so two experiments with identical settings share one run.
 */

/** Where the training examples come from (see ../shared/ARTICLE.md, "Data families"). */
export type DataSpec =
  /** The n standard basis vectors; T = n. */
  | { family: 'identity'; n: number }
  /** T examples; each entry non-zero with probability 1 − S, uniform on (0, 1], then unit-normalised. */
  | { family: 'sparse'; n: number; S: number; T: number }
  /**
   * T = ∞: no fixed training set. Step s trains on its own fresh batch of `batch` examples
   * from the sparse distribution, drawn from the stream (data seed, "batch-s"), so a run
   * resumed at step s needs no replay (pipeline/data/datasets.ts, trainingBatch).
   */
  | { family: 'sparse-stream'; n: number; S: number; batch: number };

export type DataFamily = DataSpec['family'];

/** Learning-rate schedule over `steps` optimizer steps. */
export type LrSchedule =
  | { kind: 'constant'; lr: number }
  /** Linear warmup from 0 to `peakLr` over `warmupSteps`, then cosine decay to 0 at the last step. */
  | { kind: 'warmup-cosine'; peakLr: number; warmupSteps: number };

/** Training engines (pipeline/train/engines.ts): exact CPU kernel, TensorFlow.js oracle, WGSL on a GPU. */
export const ENGINE_IDS = ['fused', 'tfjs', 'webgpu', 'tree'] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

/** The settings that determine a run's tensors; hashed into its provenance. */
export interface RunConfig {
  data: DataSpec;
  /** Latent dimension (rows of W). */
  m: number;
  /** Whether the model has a trainable bias b; without it b stays 0. */
  bias: boolean;
  steps: number;
  schedule: LrSchedule;
  /** Decoupled (AdamW) weight decay, applied to W and b. */
  weightDecay: number;
  /** Master seed: the data, init and test streams are derived from it. */
  seed: number;
  /** Overrides for seed sweeps that vary one stream while keeping the other fixed. */
  dataSeed?: number;
  initSeed?: number;
  engine: EngineId;
  /** Number of evenly spaced parameter snapshots kept for trajectory figures (0 = none). */
  snapshots: number;
  /**
   * Training-loss points to keep besides the first 100 steps (default 1000); 0 keeps only
   * the final loss, which is what large seed sweeps want.
   */
  lossPoints?: number;
  /**
   * Starting bias instead of b = 0: one number for every feature, or one per feature
   * (length n). Used to probe how sensitive training is to where it starts.
   */
  initBias?: number | number[];
  /**
   * How the squared error is reduced over the n outputs: 'sum' (the default, the
   * double-descent paper's written form: the empty model scores 1 on unit-norm data) or
   * 'mean' (the Toy Models of Superposition code: an importance-weighted mean with every
   * importance 1, i.e. the sum divided by n). Absent means 'sum'.
   */
  lossReduction?: LossReduction;
  /** Adam's ε (absent: ADAM_EPS = 1e-8, PyTorch's default). */
  adamEps?: number;
}

export const LOSS_REDUCTIONS = ['sum', 'mean'] as const;
export type LossReduction = (typeof LOSS_REDUCTIONS)[number];

export interface Experiment extends RunConfig {
  /** Stable label, e.g. "trained-n4" or "memorization-T8". Not part of the hash. */
  id: string;
}
