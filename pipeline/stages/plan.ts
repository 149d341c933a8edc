/**
 * How long training will take, measured rather than guessed: each distinct shape of run
 * (engine, data, n, T, m) is trained for a fraction of a second on this machine, the way
 * the training stage will run it (small runs on one thread, big ones on every thread),
 * and the rate is scaled to each run's steps. Nothing is stored.
 */
import type { Experiment } from '../experiments/types.ts';
import { runConfigOf } from '../experiments/validate.ts';
import { engines } from '../train/engines.ts';
import { fusedEngine } from '../train/fused.ts';
import { DivergenceError, train } from '../train/loop.ts';
import { usesEveryCore } from './cost.ts';

/** Measured speed of one shape: seconds before the first step (data, model) and per step. */
export interface Speed {
  setupSeconds: number;
  secondsPerStep: number;
}

const CALIBRATION_MS = 300;

function shapeOf(experiment: Experiment): string {
  const { data, m, engine } = experiment;
  return JSON.stringify({ data, m, engine, everyCore: usesEveryCore(experiment) });
}

/** Trains the experiment for about CALIBRATION_MS and returns its speed (the first half is JIT warm-up, not timed). */
async function measure(experiment: Experiment): Promise<Speed> {
  const engine = engines[experiment.engine];
  const savedThreads = fusedEngine.threads;
  if (!usesEveryCore(experiment)) fusedEngine.threads = 1; // as a pool worker trains it
  const start = performance.now();
  let first = 0;
  let steps = 0;
  let mid: [number, number] | null = null;
  let last: [number, number] = [0, 0];
  try {
    await train(runConfigOf(experiment), engine, null, {
      onProgress: (step) => {
        const now = performance.now();
        if (steps++ === 0) first = now;
        if (!mid && now - first > CALIBRATION_MS / 2) mid = [step, now];
        last = [step, now];
      },
      shouldStop: () => steps > 2 && performance.now() - first > CALIBRATION_MS,
    });
  } catch (error) {
    if (!(error instanceof DivergenceError)) throw error; // the time until then still counts
  } finally {
    fusedEngine.threads = savedThreads;
  }
  const [fromStep, fromTime] = mid ?? [1, first];
  const secondsPerStep = last[0] > fromStep ? (last[1] - fromTime) / 1000 / (last[0] - fromStep) : (last[1] - start) / 1000 / Math.max(1, last[0]);
  return { setupSeconds: Math.max(0, (first - start) / 1000 - secondsPerStep), secondsPerStep };
}

/**
 * Estimated training seconds of each experiment (each distinct shape measured once, in
 * order). `stepsDone` holds the step a checkpointed run resumes at, so only the steps it
 * has left are counted.
 */
export async function estimateSeconds(
  experiments: readonly Experiment[],
  onShape?: (done: number, total: number) => void,
  stepsDone: ReadonlyMap<Experiment, number> = new Map(),
): Promise<Map<Experiment, number>> {
  const shapes = new Map<string, Experiment>();
  for (const experiment of experiments) if (!shapes.has(shapeOf(experiment))) shapes.set(shapeOf(experiment), experiment);
  const speeds = new Map<string, Speed>();
  for (const [shape, experiment] of shapes) {
    speeds.set(shape, await measure(experiment));
    onShape?.(speeds.size, shapes.size);
  }
  return new Map(
    experiments.map((experiment) => {
      const speed = speeds.get(shapeOf(experiment))!;
      return [experiment, speed.setupSeconds + (experiment.steps - (stepsDone.get(experiment) ?? 0)) * speed.secondsPerStep];
    }),
  );
}
