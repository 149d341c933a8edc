/**
 * Makes sure every run an experiment list needs is in the store: cached entries are
 * verified and read, missing or corrupt ones are trained (resuming from a checkpoint
 * when one exists), small runs side by side on a pool of worker threads and big runs
 * one at a time with every core. The store is checked for room and write access before
 * a run trains, and a finished run whose publication fails is kept as a checkpoint, so
 * a full or damaged store never costs the training.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Experiment } from '../experiments/types.ts';
import { runConfigOf } from '../experiments/validate.ts';
import { engines, withEffectiveEngine } from '../train/engines.ts';
import { DivergenceError, initialState, train, type TrainState } from '../train/loop.ts';
import { EngineFailureError } from '../train/fusedWasm.ts';
import { DATA_GENERATOR_ENTRY, numericsHash, provenanceHash, STORE_FORMAT, TRAINING_LOOP_ENTRY } from '../store/provenance.ts';
import { checkpointFile, checkpointStatus, clearCheckpoint, entryDir, readEntry, removeStaleTemporaries, runTensors, writeCheckpoint, writeEntry, type FinishedRun } from '../store/runStore.ts';
import { checkStoreWritable, describeStoreFault, folderBlocker, StoreError, storeWrite } from '../store/faults.ts';
import type { RunMeta } from '../store/types.ts';
import type { RunConfig } from '../experiments/types.ts';
import { estimatedCost, usesEveryCore } from './cost.ts';
import { TrainingPool } from './pool.ts';

export { StoreError };

export interface Reporter {
  /** A line always shown: group summaries, warnings (corrupt entries, leftovers removed). */
  line(text: string): void;
  /** A per-run line (cached, training, trained): shown with --verbose, or when few runs train. */
  detail(text: string): void;
  /** One progress bar over all the training of a command, in estimated cost (cost.ts). */
  progress(totalCost: number, totalRuns: number): TrainingProgress;
}

export interface TrainingProgress {
  update(costDone: number, runsDone: number): void;
  done(): void;
}

/** Experiments reported together: one summary line each (e.g. "<slug>/failure"). */
export interface RunGroup {
  label: string;
  experiments: readonly Experiment[];
}

export interface EnsureOptions {
  storeRoot: string;
  reporter: Reporter;
  /** Polled between steps; when it returns true training checkpoints and stops. */
  shouldStop?: () => boolean;
  /**
   * Called with true before a run's data are generated and its model built in this
   * thread (synchronous work that no signal handler can interrupt), and with false once
   * it steps. Runs in the worker pool prepare off this thread and need no such care.
   */
  preparing?: (on: boolean) => void;
  /** Retrain even when a sound entry exists (used to verify reproducibility). */
  force?: boolean;
  checkpointSeconds?: number;
  /**
   * Small runs trained side by side, each on one core (default: the machine's
   * parallelism); 1 trains everything one run at a time in this thread.
   */
  jobs?: number;
}

/** Up to this many runs to train, each gets its own lines without --verbose. */
export const FEW_RUNS = 10;

export interface StoppedRun {
  experimentId: string;
  step: number;
  totalSteps: number;
}

export class InterruptedError extends Error {
  /** `stopped`: runs checkpointed mid-training; `notStarted`: runs left untouched. */
  constructor(readonly stopped: readonly StoppedRun[], readonly notStarted = 0) {
    const [first] = stopped;
    super(
      stopped.length === 1 && notStarted === 0
        ? `interrupted while training "${first.experimentId}" at step ${first.step} of ${first.totalSteps}; progress is checkpointed and the next build resumes it`
        : `interrupted with ${stopped.length + notStarted} runs left to train` +
            (stopped.length > 0 ? ` (${stopped.length} checkpointed mid-training, e.g. "${first.experimentId}" at step ${first.step} of ${first.totalSteps})` : '') +
            '; the next build resumes them',
    );
  }
}

/** Exit status of a training stopped by its --budget: the work is checkpointed, and the same command continues it (EX_TEMPFAIL). */
export const BUDGET_SPENT_STATUS = 75;

/** Training stopped because its --budget was spent (not a signal); what is left is checkpointed. */
export class BudgetSpentError extends Error {
  constructor(budget: string, stop: InterruptedError) {
    const { stopped, notStarted } = stop;
    const [first] = stopped;
    const left = stopped.length + notStarted;
    super(
      `budget spent (--budget ${budget}): ` +
        (stopped.length === 1 && notStarted === 0
          ? `stopped "${first.experimentId}" at step ${first.step} of ${first.totalSteps}, checkpointed`
          : `${left} run${left === 1 ? '' : 's'} left to train` + (stopped.length > 0 ? ` (${stopped.length} checkpointed mid-training, e.g. "${first.experimentId}" at step ${first.step} of ${first.totalSteps})` : '')) +
        `; run the same command again to continue (exit status ${BUDGET_SPENT_STATUS})`,
    );
  }
}

/** A run whose loss or parameters became NaN or infinite; nothing of it is stored. */
export class RunDivergedError extends Error {
  constructor(readonly experimentId: string, readonly step: number, cause: DivergenceError) {
    super(
      `experiment "${experimentId}" diverged at step ${step}: ${cause.message.replace(/^training diverged at step \d+: /, '')} (NaN or infinite). ` +
        'Nothing was stored for this run. Lower its learning rate (schedule.lr or schedule.peakLr) or lengthen the warmup, then build again.',
      { cause },
    );
  }
}

/** A run stopped because its engine failed (a worker thread died or got stuck); its progress is checkpointed. */
export class TrainingFailedError extends Error {
  constructor(readonly experimentId: string, step: number, totalSteps: number, cause: EngineFailureError) {
    super(
      `experiment "${experimentId}" stopped at step ${step} of ${totalSteps}: ${cause.message}. ` +
        'Its progress is checkpointed: run the same command again to resume it (if this recurs, --threads 1 trains it on one thread, to the same result).',
      { cause },
    );
  }
}

/** A store entry written by newer code than this checkout; it is refused, never overwritten. */
export class StoreFormatError extends Error {}

/** The provenance hash of an experiment's run under the current code (and TRAIN_ENGINE, if set). */
export function runHash(named: Experiment): string {
  const experiment = withEffectiveEngine(named);
  const engine = engines[experiment.engine];
  return provenanceHash({
    config: runConfigOf(experiment),
    engineSourceHash: numericsHash([engine.sourceEntry, TRAINING_LOOP_ENTRY]),
    dataGeneratorHash: numericsHash([DATA_GENERATOR_ENTRY]),
  });
}

const packageVersion = (() => {
  const require = createRequire(import.meta.url);
  return (name: string): string => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'absent';
    }
  };
})();

/**
 * A duration in log lines, plans and the progress bar: "40 ms", "3.2 s", "38 s", "18 min 50 s".
 * Above two minutes the whole seconds are rounded before splitting off the minutes, so
 * 179.7 s reads "3 min 0 s", never "2 min 60 s".
 */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return whole < 120 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** Bytes a run's entry and checkpoints take on disk (generously: both, plus the temporaries of atomic writes). */
export function storeBytesNeeded(config: RunConfig): number {
  const P = (config.m + 1) * config.data.n;
  const lossPoints = config.lossPoints ?? 1000;
  const recorded = Math.min(config.steps, 100) + (lossPoints === 0 ? 0 : Math.min(config.steps, lossPoints)) + 1;
  const entry = 4 * P * (1 + config.snapshots) + 16 * recorded + 4096;
  const checkpoint = entry + 8 * P;
  return entry + 2 * checkpoint + 65536;
}

/** One distinct run (experiments with equal settings share it) and what the store holds of it. */
interface PlannedRun {
  experiment: Experiment;
  hash: string;
  cost: number;
  cached: boolean;
}

/** What training one run ended in, wherever it ran. */
type RunResult =
  | { kind: 'finished'; state: TrainState; finalLoss: number; testLoss: number | null; backend: string; threads: number }
  | { kind: 'stopped'; state: TrainState }
  | { kind: 'diverged'; error: DivergenceError }
  | { kind: 'failed'; state: TrainState; error: EngineFailureError };

/**
 * Publishes a finished run to the store (the main thread does this for pooled runs too).
 * If publishing fails for the store's sake (full, read-only), the finished run is kept as
 * a checkpoint, so the next build publishes it without training.
 */
function storeRun(experiment: Experiment, hash: string, state: TrainState, finished: FinishedRun, storeRoot: string): RunMeta {
  const engine = engines[experiment.engine];
  const config = runConfigOf(experiment);
  const { finalLoss, testLoss, backend, threads } = finished;
  let meta: RunMeta;
  try {
    meta = writeEntry(
      storeRoot,
      {
        storeFormat: STORE_FORMAT,
        hash,
        config,
        labels: [experiment.id],
        engine: { id: engine.id, sourceHash: numericsHash([engine.sourceEntry, TRAINING_LOOP_ENTRY]), backend, threads },
        dataGeneratorHash: numericsHash([DATA_GENERATOR_ENTRY]),
        versions: {
          node: process.version,
          ...(engine.id === 'tfjs' ? { '@tensorflow/tfjs': packageVersion('@tensorflow/tfjs') } : {}),
          ...(engine.id === 'webgpu' ? { webgpu: packageVersion('webgpu') } : {}),
        },
        steps: state.step,
        wallSeconds: state.wallSeconds,
        finalLoss,
        testLoss,
        createdAt: new Date().toISOString(),
      },
      runTensors(state),
    );
  } catch (error) {
    const fault = describeStoreFault(error, entryDir(storeRoot, config.data.family, hash));
    if (fault === null) throw error;
    // Never lose the training to a failed publication: keep the finished run as a checkpoint.
    let kept: string;
    try {
      writeCheckpoint(storeRoot, hash, state, finished);
      kept = `the finished run is kept in ${checkpointFile(storeRoot, hash)}: fix that and run the same command again to publish it without training`;
    } catch (second) {
      if (describeStoreFault(second) === null) throw second;
      const code = (second as NodeJS.ErrnoException).code;
      kept = `keeping the finished run as a checkpoint failed too (${code}), so it ${existsSync(checkpointFile(storeRoot, hash)) ? 'resumes from its last checkpoint' : 'trains again'} next time`;
    }
    throw new StoreError(`run store: could not publish "${experiment.id}": ${fault}; ${kept}.`, { cause: error });
  }
  try {
    clearCheckpoint(storeRoot, hash);
  } catch (error) {
    if (describeStoreFault(error) === null) throw error;
    // Harmless: the next build sees the sound entry and removes it then.
  }
  return meta;
}

const saveCheckpoint = (storeRoot: string, experiment: Experiment, hash: string, at: TrainState, why: string) =>
  storeWrite(`could not save a checkpoint of "${experiment.id}" at step ${at.step} (${why})`, () => writeCheckpoint(storeRoot, hash, at), checkpointFile(storeRoot, hash));

/**
 * The state of a run whose engine failed inside a step: parameters and optimizer are those
 * before the step (the update runs only after the gradient), but a snapshot of the step, or
 * the final loss, may already have been recorded; a resumed run records them again, so
 * they are dropped here.
 */
function consistentAt(state: TrainState): TrainState {
  while (state.snapshotSteps.length > 0 && state.snapshotSteps[state.snapshotSteps.length - 1] >= state.step) {
    state.snapshotSteps.pop();
    state.snapshotsW.pop();
    state.snapshotsB.pop();
  }
  while (state.lossSteps.length > 0 && state.lossSteps[state.lossSteps.length - 1] >= state.step) {
    state.lossSteps.pop();
    state.loss.pop();
  }
  return state;
}

/** Trains one run in this thread, with every thread the engine is allowed. */
async function trainHere(experiment: Experiment, resume: TrainState | null, options: EnsureOptions, hash: string, onStep: (step: number) => void): Promise<RunResult> {
  const engine = engines[experiment.engine];
  options.preparing?.(true);
  // What actually computes the run (backend, threads) is known once its model exists: m ≠ 2
  // runs on the single-threaded JS kernel, small problems on fewer threads.
  let ran = { backend: 'unknown', threads: 0 };
  // Held here (train() continues in this very object) so that an engine failure can checkpoint it.
  const state = resume ?? initialState(runConfigOf(experiment));
  try {
    const outcome = await train(runConfigOf(experiment), engine, state, {
      onModel: ({ backend, threads }) => {
        ran = { backend, threads };
      },
      onProgress: (step) => {
        options.preparing?.(false);
        onStep(step);
      },
      shouldStop: options.shouldStop,
      checkpoint: (at) => saveCheckpoint(options.storeRoot, experiment, hash, at, 'the last one is kept; run the same command again to resume from it'),
      checkpointSeconds: options.checkpointSeconds,
    });
    if (!outcome.finished) return { kind: 'stopped', state: outcome.state };
    return { kind: 'finished', ...outcome, ...ran };
  } catch (error) {
    if (error instanceof DivergenceError) return { kind: 'diverged', error };
    if (error instanceof EngineFailureError) return { kind: 'failed', state: consistentAt(state), error };
    throw error;
  } finally {
    options.preparing?.(false);
  }
}

/**
 * Ensures every experiment's run exists: sound entries are read (and verified), missing
 * or corrupt ones trained — small runs side by side on a pool of worker threads, one core
 * each, big runs (cost.ts) one at a time with every core. Reports one line per group and
 * one progress bar. Returns experiment id → hash.
 */
export async function ensureRuns(groups: readonly RunGroup[], options: EnsureOptions): Promise<Map<string, string>> {
  const { storeRoot, reporter } = options;
  const hashes = new Map<string, string>();
  const blocker = folderBlocker(storeRoot);
  if (blocker) throw new StoreError(`run store: ${blocker}, or pass --store with another folder.`);
  for (const leftover of removeStaleTemporaries(storeRoot)) {
    reporter.line(`run store: removed ${leftover}, left by a build that was killed while writing`);
  }

  // What the store holds of each distinct run (verified by content), before anything trains.
  const runs = new Map<string, PlannedRun>();
  for (const experiment of groups.flatMap((group) => group.experiments)) {
    if (hashes.has(experiment.id)) continue;
    const hash = runHash(experiment);
    hashes.set(experiment.id, hash);
    if (runs.has(hash)) continue;
    const status = readEntry(storeRoot, experiment.data.family, hash);
    if (status.kind === 'newer-format') {
      throw new StoreFormatError(
        `run store: ${path.join(storeRoot, experiment.data.family, hash, 'meta.json')} (experiment "${experiment.id}") was written by store format ${status.format}, newer than this code's ${STORE_FORMAT}. Update the code (git pull) or delete that entry to retrain it.`,
      );
    }
    const cached = status.kind === 'ok' && !options.force;
    if (cached) {
      // A checkpoint next to a finished entry is left from a concurrent build; it is no
      // longer needed (on a read-only store it simply stays).
      if (existsSync(checkpointFile(storeRoot, hash))) {
        try {
          clearCheckpoint(storeRoot, hash);
        } catch (error) {
          if (describeStoreFault(error) === null) throw error;
        }
      }
      reporter.detail(`${experiment.id}  cached (${hash.slice(0, 8)}, final loss ${status.meta.finalLoss.toPrecision(4)})`);
    }
    if (status.kind === 'corrupt') reporter.line(`${experiment.id}  store entry is corrupt: ${status.reason}; retraining`);
    // As it will be trained: with TRAIN_ENGINE's engine, if set (runHash applies it too).
    runs.set(hash, { experiment: withEffectiveEngine(experiment), hash, cost: estimatedCost(experiment), cached });
  }

  const toTrain = [...runs.values()].filter((run) => !run.cached);
  const groupCounts = (group: RunGroup) => {
    const distinct = [...new Set(group.experiments.map((e) => hashes.get(e.id)!))].map((hash) => runs.get(hash)!);
    return { total: group.experiments.length, cached: distinct.filter((run) => run.cached).length, distinct };
  };
  for (const group of groups) {
    const { total, cached, distinct } = groupCounts(group);
    const training = distinct.length - cached;
    reporter.line(`${group.label}: ${total} run${total === 1 ? '' : 's'} — ${training === 0 ? 'all cached' : `${cached} cached, ${training} to train`}`);
  }
  if (toTrain.length === 0) return hashes;

  const trained = new Set<string>();
  const started = Date.now();
  const outcome = await trainRuns(toTrain, options, trained);
  for (const group of groups) {
    const { total, cached, distinct } = groupCounts(group);
    const done = distinct.filter((run) => trained.has(run.hash)).length;
    const left = distinct.length - cached - done;
    if (done + left > 0) reporter.line(`${group.label}: ${total} run${total === 1 ? '' : 's'} — ${cached} cached, ${done} trained${left > 0 ? `, ${left} left` : ''}`);
  }
  if (trained.size > 1) reporter.line(`trained ${trained.size} runs in ${formatSeconds((Date.now() - started) / 1000)}${outcome.jobs > 1 ? ` (${outcome.jobs} at a time)` : ''}`);
  if (outcome.error) throw outcome.error;
  if (outcome.stopped.length > 0 || trained.size < toTrain.length) throw new InterruptedError(outcome.stopped, toTrain.length - trained.size - outcome.stopped.length);
  return hashes;
}

/** Trains the runs; never throws for a run's own failure (divergence), only returns it. */
async function trainRuns(toTrain: readonly PlannedRun[], options: EnsureOptions, trained: Set<string>): Promise<{ stopped: StoppedRun[]; error: Error | null; jobs: number }> {
  const { storeRoot, reporter } = options;
  const say = (text: string) => (toTrain.length <= FEW_RUNS ? reporter.line(text) : reporter.detail(text));
  const small = toTrain.filter((run) => !usesEveryCore(run.experiment));
  const big = toTrain.filter((run) => usesEveryCore(run.experiment));
  const jobs = Math.min(options.jobs ?? os.availableParallelism(), small.length);

  const progress = reporter.progress(toTrain.reduce((sum, run) => sum + run.cost, 0), toTrain.length);
  let costDone = 0;
  const inFlight = new Map<string, number>();
  const tick = () => {
    let partial = 0;
    for (const cost of inFlight.values()) partial += cost;
    progress.update(costDone + partial, trained.size);
  };

  const stopped: StoppedRun[] = [];
  let error: Error | null = null;
  let stopSeen = false;
  const shouldStop = () => (stopSeen ||= options.shouldStop?.() ?? false);
  let startedAny = false;

  /** Trains one run with `trainOne` and handles its result; returns false when nothing more should start. */
  const runOne = async (run: PlannedRun, where: string, trainOne: (resume: TrainState | null, onStep: (step: number) => void) => Promise<RunResult>, inThisThread = false) => {
    const { experiment, hash } = run;
    const config = runConfigOf(experiment);
    const saved = checkpointStatus(storeRoot, hash, config);
    if (saved.kind === 'corrupt') {
      reporter.line(`${experiment.id}  checkpoint is corrupt: ${saved.reason}; training from the start`);
      storeWrite(`cannot remove the corrupt checkpoint of "${experiment.id}"`, () => clearCheckpoint(storeRoot, hash));
    }
    startedAny = true;
    let result: RunResult;
    let resume: TrainState | null = null;
    // Where it resumed, kept apart: training continues in the resumed state object itself.
    let resumedAt: { step: number; wallSeconds: number } | null = null;
    if (saved.kind === 'ok' && saved.finished) {
      // Trained before, but its publication failed: publish it now, without training again.
      say(`${experiment.id}  finished earlier; publishing it from its checkpoint`);
      result = { kind: 'finished', state: saved.state, ...saved.finished };
    } else {
      resume = saved.kind === 'ok' ? saved.state : null;
      resumedAt = resume && { step: resume.step, wallSeconds: resume.wallSeconds };
      // Before any training is spent: can its result be saved?
      checkStoreWritable(storeRoot, experiment.data.family, storeBytesNeeded(config), experiment.id, hash);
      // Before the line that announces it, so that a signal sent on seeing the line finds the
      // default disposition while this thread generates the data (trainHere clears it).
      if (inThisThread) options.preparing?.(true);
      say(`${experiment.id}  training (${where}${resume ? `, resuming at step ${resume.step}` : ''})`);
      const perStep = run.cost / experiment.steps;
      result = await trainOne(resume, (step) => {
        inFlight.set(hash, step * perStep);
        tick();
      });
      inFlight.delete(hash);
    }
    if (result.kind === 'diverged') {
      // A checkpoint from before the divergence would only lead the next build back into it.
      storeWrite(`cannot remove the checkpoint of diverged "${experiment.id}"`, () => clearCheckpoint(storeRoot, hash));
      error ??= new RunDivergedError(experiment.id, result.error.step, result.error);
    } else if (result.kind === 'failed') {
      saveCheckpoint(storeRoot, experiment, hash, result.state, 'the training since the last checkpoint is lost');
      error ??= new TrainingFailedError(experiment.id, result.state.step, experiment.steps, result.error);
    } else if (result.kind === 'stopped') {
      saveCheckpoint(storeRoot, experiment, hash, result.state, 'the training since the last checkpoint is lost');
      stopped.push({ experimentId: experiment.id, step: result.state.step, totalSteps: experiment.steps });
    } else {
      const { state, finalLoss, testLoss, backend, threads } = result;
      storeRun(experiment, hash, state, { finalLoss, testLoss, backend, threads }, storeRoot);
      trained.add(hash);
      costDone += run.cost;
      const total = formatSeconds(state.wallSeconds);
      const ranOn = `${backend}, ${threads} thread${threads === 1 ? '' : 's'}`;
      if (saved.kind === 'ok' && saved.finished) say(`${experiment.id}  published (trained earlier in ${total} on ${ranOn}, final loss ${finalLoss.toPrecision(4)})`);
      else if (resumedAt) say(`${experiment.id}  trained in ${formatSeconds(state.wallSeconds - resumedAt.wallSeconds)} since resuming at step ${resumedAt.step} (${total} in total on ${ranOn}; final loss ${finalLoss.toPrecision(4)})`);
      else say(`${experiment.id}  trained in ${total} on ${ranOn} (final loss ${finalLoss.toPrecision(4)})`);
    }
    tick();
    return result.kind === 'finished';
  };

  try {
    if (jobs > 1) {
      // Small runs, side by side: each worker trains whole runs on one thread.
      const pool = new TrainingPool(jobs);
      const watcher = setInterval(() => shouldStop() && pool.requestStop(), 50);
      try {
        let next = 0;
        const worker = async () => {
          while (next < small.length && !error && !shouldStop()) {
            const run = small[next++];
            const hash = run.hash;
            const trainOne = async (resume: TrainState | null, onStep: (step: number) => void): Promise<RunResult> => {
              const reply = await pool.run(
                { config: runConfigOf(run.experiment), resume, checkpointSeconds: options.checkpointSeconds },
                { onProgress: onStep, onCheckpoint: (at) => saveCheckpoint(storeRoot, run.experiment, hash, at, 'the last one is kept; run the same command again to resume from it') },
              );
              if (reply.kind === 'diverged') return { kind: 'diverged', error: Object.assign(new DivergenceError(reply.step, ''), { message: reply.message }) };
              const outcome = reply.outcome;
              return outcome.finished ? { kind: 'finished', ...outcome, backend: reply.backend, threads: reply.threads } : { kind: 'stopped', state: outcome.state };
            };
            try {
              await runOne(run, `${run.experiment.engine}, 1 thread, ${jobs} runs at a time`, trainOne);
            } catch (failure) {
              error ??= failure as Error;
              pool.requestStop();
            }
          }
        };
        await Promise.all(Array.from({ length: jobs }, worker));
      } finally {
        clearInterval(watcher);
        await pool.close();
      }
    }
    // Big runs (and every run when jobs ≤ 1): one at a time, here, with every thread.
    for (const run of jobs > 1 ? big : [...small, ...big]) {
      // After a stop nothing new starts; the very first run still does, and checkpoints at once.
      if (error || stopped.length > 0 || (startedAny && shouldStop())) break;
      const engine = engines[run.experiment.engine];
      // The engine's preference; the "trained in" line says what the run's model actually used.
      const where = `${engine.id}/${await engine.backend()}, up to ${engine.threads} thread${engine.threads === 1 ? '' : 's'}`;
      if (!(await runOne(run, where, (resume, onStep) => trainHere(run.experiment, resume, options, run.hash, onStep), true))) break;
    }
  } finally {
    progress.done();
  }
  return { stopped, error, jobs: Math.max(1, jobs) };
}
