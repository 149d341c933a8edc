/**
 * The training loop shared by every engine: full-batch AdamW over the run's
 * schedule, recording the loss curve and parameter snapshots, with checkpoints so a
 * long run can stop and resume with bitwise-identical results.
 *
 * Data streams (T = ∞, the sparse-stream family) train step s on batch s
 * (datasets.ts, trainingBatch); the batch depends only on (data seed, s), so a resumed
 * run continues with exactly the batches an uninterrupted one would see. Their final
 * "training" loss is the loss on the last batch trained on, after the last update.
 */
import type { RunConfig } from '../experiments/types.ts';
import { isStream, testExamples, trainingBatch, trainingExamples, type SparseExamples } from '../data/datasets.ts';
import type { AsyncModel, Engine, Gradients, Model } from './engine.ts';
import { initialParameters, type Parameters } from './init.ts';
import { ADAM_EPS, newAdamState, type AdamState } from './adamw.ts';
import { residentOptimizer } from './adamwWasm.ts';
import { learningRate } from './schedule.ts';

/** Everything needed to continue a run exactly where it stopped. */
export interface TrainState {
  /** Optimizer steps completed. */
  step: number;
  params: Parameters;
  adamW: AdamState;
  adamB: AdamState;
  lossSteps: number[];
  loss: number[];
  snapshotSteps: number[];
  snapshotsW: Float32Array[];
  snapshotsB: Float32Array[];
  /** Training time spent so far, summed over sessions. */
  wallSeconds: number;
}

const YIELD_EVERY_MS = 50;

export interface TrainHooks {
  /** Called once the model exists, before the first step: what it runs on (Model.backend, Model.threads). */
  onModel?(model: { readonly backend: string; readonly threads: number }): void;
  onProgress?(step: number, loss: number): void;
  /** Polled between steps; returning true stops the run (state is returned, not finished). */
  shouldStop?(): boolean;
  /** Called about every `checkpointSeconds` with a consistent state to persist. */
  checkpoint?(state: TrainState): void;
  checkpointSeconds?: number;
}

export type TrainOutcome =
  | { finished: true; state: TrainState; finalLoss: number; testLoss: number | null }
  | { finished: false; state: TrainState };

export class DivergenceError extends Error {
  constructor(readonly step: number, what: string) {
    super(`training diverged at step ${step}: ${what} is not finite`);
  }
}

export const DEFAULT_LOSS_POINTS = 1000;

/**
 * Steps whose pre-update loss is recorded: every step of the first 100, then about
 * `points` evenly spaced; none when points = 0 (the final loss is always kept).
 */
export function isLossRecorded(step: number, totalSteps: number, points = DEFAULT_LOSS_POINTS): boolean {
  if (points === 0) return false;
  return step < 100 || step % Math.max(1, Math.ceil(totalSteps / points)) === 0;
}

/** Steps at which parameters are snapshotted: `count` evenly spaced, including start and end. */
export function snapshotSchedule(count: number, totalSteps: number): number[] {
  if (count <= 0) return [];
  if (count === 1) return [totalSteps];
  const steps = new Set<number>();
  for (let k = 0; k < count; k++) steps.add(Math.round((k * totalSteps) / (count - 1)));
  return [...steps].sort((a, b) => a - b);
}

export function initialState(config: RunConfig): TrainState {
  const params = initialParameters(config);
  return {
    step: 0,
    params,
    adamW: newAdamState(params.W.length),
    adamB: newAdamState(params.b.length),
    lossSteps: [],
    loss: [],
    snapshotSteps: [],
    snapshotsW: [],
    snapshotsB: [],
    wallSeconds: 0,
  };
}

function takeSnapshot(state: TrainState): void {
  state.snapshotSteps.push(state.step);
  state.snapshotsW.push(state.params.W.slice());
  state.snapshotsB.push(state.params.b.slice());
}

function assertFinite(values: Float32Array, step: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new DivergenceError(step, what);
  }
}

export async function train(
  config: RunConfig,
  engine: Engine,
  resumeFrom: TrainState | null,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const state = resumeFrom ?? initialState(config);
  const stream = isStream(config.data);
  let model: Model | AsyncModel = await engine.createModel(stream ? trainingBatch(config, state.step) : trainingExamples(config), config.m);
  /** Hands the model a data stream's next batch (a fresh model for engines without setExamples). */
  const useBatch = async (examples: SparseExamples) => {
    if (model.setExamples) {
      model.setExamples(examples);
      return;
    }
    model.dispose();
    model = await engine.createModel(examples, config.m);
  };
  // Engines compute the loss summed over the n outputs; the 'mean' convention divides the
  // loss and its gradient by n (exact, bit for bit, when n is a power of two). The optimizer
  // divides each gradient as it reads it: the same divisions, without a pass of their own
  // (that pass was a third of a T = 3 run's step).
  const outputs = config.lossReduction === 'mean' ? config.data.n : 1;
  const reduce = (summed: number) => (outputs === 1 ? summed : summed / outputs);
  const eps = config.adamEps ?? ADAM_EPS;
  // Parameters, moments and gradients live in the optimizer's WebAssembly memory until the
  // loop ends (state.params and the moments are views of it meanwhile): see adamwWasm.ts.
  const optimizer = residentOptimizer(state);
  const grads: Gradients = optimizer.grads;
  const snapshotAt = new Set(snapshotSchedule(config.snapshots, config.steps));
  const checkpointMs = (hooks.checkpointSeconds ?? 60) * 1000;
  let sessionStart = Date.now();
  let lastCheckpoint = sessionStart;
  let lastYield = sessionStart;
  const elapsed = () => state.wallSeconds + (Date.now() - sessionStart) / 1000;
  try {
    hooks.onModel?.(model);
    while (state.step < config.steps) {
      if (hooks.shouldStop?.()) {
        state.wallSeconds = elapsed();
        return { finished: false, state };
      }
      if (snapshotAt.has(state.step)) takeSnapshot(state);
      // CPU engines answer synchronously; awaiting only a promise keeps their loop free of extra ticks.
      const result = model.lossAndGradient(state.params, grads);
      const loss = reduce(typeof result === 'number' ? result : await result);
      if (!Number.isFinite(loss)) throw new DivergenceError(state.step, 'the loss');
      if (isLossRecorded(state.step, config.steps, config.lossPoints)) {
        state.lossSteps.push(state.step);
        state.loss.push(loss);
      }
      const lr = learningRate(config.schedule, state.step, config.steps);
      const t = state.step + 1;
      optimizer.step(t, lr, config.weightDecay, eps, config.bias, outputs);
      state.step = t;
      if (stream && t < config.steps) await useBatch(trainingBatch(config, t));
      hooks.onProgress?.(state.step, loss);
      // CPU training is synchronous; hand the event loop a turn now and then so signal
      // handlers (Ctrl-C) and progress-bar timers can run.
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
      if (hooks.checkpoint && Date.now() - lastCheckpoint >= checkpointMs) {
        assertFinite(state.params.W, state.step, 'W');
        state.wallSeconds = elapsed();
        sessionStart = Date.now();
        hooks.checkpoint(state);
        lastCheckpoint = Date.now();
      }
    }
    assertFinite(state.params.W, state.step, 'W');
    assertFinite(state.params.b, state.step, 'b');
    if (snapshotAt.has(state.step)) takeSnapshot(state);
    const finalLoss = reduce(await model.loss(state.params));
    if (!Number.isFinite(finalLoss)) throw new DivergenceError(state.step, 'the final loss');
    state.lossSteps.push(state.step);
    state.loss.push(finalLoss);
    const held = testExamples(config);
    let testLoss: number | null = null;
    if (held) {
      const testModel = await engine.createModel(held, config.m);
      testLoss = reduce(await testModel.loss(state.params));
      testModel.dispose();
    }
    state.wallSeconds = elapsed();
    return { finished: true, state, finalLoss, testLoss };
  } finally {
    optimizer.release();
    model.dispose();
  }
}
