/**
 * Makes sure every run an experiment list needs is in the store: cached entries are
 * verified and read, missing or corrupt ones are trained (resuming from a checkpoint
 * when one exists), and each run gets one status line. The store is checked for room
 * and write access before a run trains, and a finished run whose publication fails is
 * kept as a checkpoint, so a full or damaged store never costs the training.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Experiment } from '../experiments/types.ts';
import { runConfigOf } from '../experiments/validate.ts';
import { engines, withEffectiveEngine } from '../train/engines.ts';
import { DivergenceError, train, type TrainState } from '../train/loop.ts';
import { DATA_GENERATOR_ENTRY, provenanceHash, sourceHash, STORE_FORMAT, TRAINING_LOOP_ENTRY } from '../store/provenance.ts';
import { checkpointFile, checkpointStatus, clearCheckpoint, entryDir, readEntry, removeStaleTemporaries, runTensors, writeCheckpoint, writeEntry, type FinishedRun } from '../store/runStore.ts';
import { checkStoreWritable, describeStoreFault, StoreError, storeWrite } from '../store/faults.ts';
import type { RunMeta } from '../store/types.ts';
import type { RunConfig } from '../experiments/types.ts';

export { StoreError };

export interface Reporter {
  /** One line of status, e.g. "memo-T8  cached". */
  line(text: string): void;
  /** Progress of one training run; returns a callback per step and a `done` to close it. */
  progress(label: string, totalSteps: number, startStep: number): { update(step: number, loss: number): void; done(): void };
}

export interface EnsureOptions {
  storeRoot: string;
  reporter: Reporter;
  /** Polled between steps; when it returns true training checkpoints and stops. */
  shouldStop?: () => boolean;
  /**
   * Called with true before a run's data are generated and its model built (synchronous
   * work that no signal handler can interrupt), and with false once it steps.
   */
  preparing?: (on: boolean) => void;
  /** Retrain even when a sound entry exists (used to verify reproducibility). */
  force?: boolean;
  checkpointSeconds?: number;
}

export class InterruptedError extends Error {
  constructor(readonly experimentId: string, readonly step: number, readonly totalSteps: number) {
    super(`interrupted while training "${experimentId}" at step ${step} of ${totalSteps}; progress is checkpointed and the next build resumes it`);
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

/** A store entry written by newer code than this checkout; it is refused, never overwritten. */
export class StoreFormatError extends Error {}

/** The provenance hash of an experiment's run under the current code (and TRAIN_ENGINE, if set). */
export function runHash(named: Experiment): string {
  const experiment = withEffectiveEngine(named);
  const engine = engines[experiment.engine];
  return provenanceHash({
    config: runConfigOf(experiment),
    engineSourceHash: sourceHash([engine.sourceEntry, TRAINING_LOOP_ENTRY]),
    dataGeneratorHash: sourceHash([DATA_GENERATOR_ENTRY]),
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

function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : seconds < 10 ? `${seconds.toFixed(1)} s` : seconds < 120 ? `${Math.round(seconds)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
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

/** Trains one experiment to completion (or until stopped) and publishes it. */
export async function trainAndStore(named: Experiment, hash: string, options: EnsureOptions): Promise<RunMeta> {
  const { storeRoot, reporter } = options;
  const experiment = withEffectiveEngine(named);
  const engine = engines[experiment.engine];
  const config = runConfigOf(experiment);
  const saved = checkpointStatus(storeRoot, hash, config);
  if (saved.kind === 'corrupt') {
    reporter.line(`${experiment.id}  checkpoint is corrupt: ${saved.reason}; training from the start`);
    storeWrite(`cannot remove the corrupt checkpoint of "${experiment.id}"`, () => clearCheckpoint(storeRoot, hash));
  }
  const resume = saved.kind === 'ok' ? saved : null;
  let state: TrainState;
  let finished: FinishedRun;
  if (resume?.finished) {
    // Trained before, but its publication failed: publish it now, without training again.
    reporter.line(`${experiment.id}  finished earlier; publishing it from its checkpoint`);
    ({ state, finished } = resume as { state: TrainState; finished: FinishedRun });
  } else {
    // Before the line that announces it, so that a signal sent on seeing the line finds the
    // default disposition (a signal that arrives while handlers are being removed is lost).
    options.preparing?.(true);
    // What actually runs (backend, threads) is known once the model exists: m ≠ 2 runs on the
    // single-threaded JS kernel, small problems on fewer threads.
    const session: { ran: { backend: string; threads: number } | null; bar: ReturnType<typeof reporter.progress> | null } = { ran: null, bar: null };
    const saveCheckpoint = (at: TrainState, why: string) =>
      storeWrite(`could not save a checkpoint of "${experiment.id}" at step ${at.step} (${why})`, () => writeCheckpoint(storeRoot, hash, at), checkpointFile(storeRoot, hash));
    let outcome;
    try {
      outcome = await train(config, engine, resume?.state ?? null, {
        onModel: ({ backend, threads }) => {
          session.ran = { backend, threads };
          reporter.line(`${experiment.id}  training (${engine.id}/${backend}, ${threads} thread${threads === 1 ? '' : 's'}${resume ? `, resuming at step ${resume.state.step}` : ''})`);
          session.bar = reporter.progress(experiment.id, config.steps, resume?.state.step ?? 0);
        },
        onProgress: (step, loss) => {
          options.preparing?.(false);
          session.bar?.update(step, loss);
        },
        shouldStop: options.shouldStop,
        checkpoint: (at) => saveCheckpoint(at, 'the last one is kept; run the same command again to resume from it'),
        checkpointSeconds: options.checkpointSeconds,
      });
    } catch (error) {
      if (!(error instanceof DivergenceError)) throw error;
      // A checkpoint from before the divergence would only lead the next build back into it.
      storeWrite(`cannot remove the checkpoint of diverged "${experiment.id}"`, () => clearCheckpoint(storeRoot, hash));
      throw new RunDivergedError(experiment.id, error.step, error);
    } finally {
      options.preparing?.(false);
      session.bar?.done();
    }
    if (!outcome.finished) {
      saveCheckpoint(outcome.state, 'the training since the last checkpoint is lost');
      throw new InterruptedError(experiment.id, outcome.state.step, config.steps);
    }
    state = outcome.state;
    finished = { finalLoss: outcome.finalLoss, testLoss: outcome.testLoss, backend: session.ran!.backend, threads: session.ran!.threads };
  }
  const { finalLoss, testLoss } = finished;
  let meta: RunMeta;
  try {
    meta = writeEntry(
      storeRoot,
      {
        storeFormat: STORE_FORMAT,
        hash,
        config,
        labels: [experiment.id],
        engine: { id: engine.id, sourceHash: sourceHash([engine.sourceEntry, TRAINING_LOOP_ENTRY]), backend: finished.backend, threads: finished.threads },
        dataGeneratorHash: sourceHash([DATA_GENERATOR_ENTRY]),
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
  reporter.line(`${experiment.id}  ${resume?.finished ? 'published' : 'trained'} in ${formatSeconds(state.wallSeconds)} (final loss ${finalLoss.toPrecision(4)})`);
  return meta;
}

/** Ensures each experiment's run exists; returns experiment id → hash. */
export async function ensureRuns(experiments: readonly Experiment[], options: EnsureOptions): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const root = options.storeRoot;
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new StoreError(`run store: ${root} is a file where the run store needs a folder; move or delete that file, or pass --store with another folder.`);
  }
  for (const leftover of removeStaleTemporaries(options.storeRoot)) {
    options.reporter.line(`run store: removed ${leftover}, left by a build that was killed while writing`);
  }
  for (const experiment of experiments) {
    const hash = runHash(experiment);
    hashes.set(experiment.id, hash);
    const status = readEntry(options.storeRoot, experiment.data.family, hash);
    if (status.kind === 'newer-format') {
      throw new StoreFormatError(
        `run store: ${path.join(options.storeRoot, experiment.data.family, hash, 'meta.json')} (experiment "${experiment.id}") was written by store format ${status.format}, newer than this code's ${STORE_FORMAT}. Update the code (git pull) or delete that entry to retrain it.`,
      );
    }
    if (status.kind === 'ok' && !options.force) {
      // A checkpoint next to a finished entry is left from a concurrent build; it is no
      // longer needed (on a read-only store it simply stays).
      if (existsSync(checkpointFile(options.storeRoot, hash))) {
        try {
          clearCheckpoint(options.storeRoot, hash);
        } catch (error) {
          if (describeStoreFault(error) === null) throw error;
        }
      }
      options.reporter.line(`${experiment.id}  cached (${hash.slice(0, 8)}, final loss ${status.meta.finalLoss.toPrecision(4)})`);
      continue;
    }
    if (status.kind === 'corrupt') options.reporter.line(`${experiment.id}  store entry is corrupt: ${status.reason}; retraining`);
    // Before any training is spent: can its result be saved?
    checkStoreWritable(options.storeRoot, experiment.data.family, storeBytesNeeded(experiment), experiment.id);
    await trainAndStore(experiment, hash, options);
  }
  return hashes;
}
