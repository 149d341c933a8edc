/**
 * Makes sure every run an experiment list needs is in the store: cached entries are
 * verified and read, missing or corrupt ones are trained (resuming from a checkpoint
 * when one exists), and each run gets one status line.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Experiment } from '../experiments/types.ts';
import { runConfigOf } from '../experiments/validate.ts';
import { engines, withEffectiveEngine } from '../train/engines.ts';
import { DivergenceError, train, type TrainState } from '../train/loop.ts';
import { DATA_GENERATOR_ENTRY, provenanceHash, sourceHash, STORE_FORMAT, TRAINING_LOOP_ENTRY } from '../store/provenance.ts';
import { checkpointFile, clearCheckpoint, readCheckpoint, readEntry, removeStaleTemporaries, runTensors, writeCheckpoint, writeEntry } from '../store/runStore.ts';
import type { RunMeta } from '../store/types.ts';

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

/** Trains one experiment to completion (or until stopped) and publishes it. */
export async function trainAndStore(named: Experiment, hash: string, options: EnsureOptions): Promise<RunMeta> {
  const { storeRoot, reporter } = options;
  const experiment = withEffectiveEngine(named);
  const engine = engines[experiment.engine];
  const config = runConfigOf(experiment);
  const resume: TrainState | null = readCheckpoint(storeRoot, hash);
  const backend = await engine.backend();
  reporter.line(`${experiment.id}  training (${engine.id}/${backend}, ${engine.threads} thread${engine.threads === 1 ? '' : 's'}${resume ? `, resuming at step ${resume.step}` : ''})`);
  const bar = reporter.progress(experiment.id, config.steps, resume?.step ?? 0);
  let outcome;
  try {
    outcome = await train(config, engine, resume, {
      onProgress: (step, loss) => bar.update(step, loss),
      shouldStop: options.shouldStop,
      checkpoint: (state) => writeCheckpoint(storeRoot, hash, state),
      checkpointSeconds: options.checkpointSeconds,
    });
  } catch (error) {
    if (!(error instanceof DivergenceError)) throw error;
    // A checkpoint from before the divergence would only lead the next build back into it.
    clearCheckpoint(storeRoot, hash);
    throw new RunDivergedError(experiment.id, error.step, error);
  } finally {
    bar.done();
  }
  if (!outcome.finished) {
    writeCheckpoint(storeRoot, hash, outcome.state);
    throw new InterruptedError(experiment.id, outcome.state.step, config.steps);
  }
  const { state, finalLoss, testLoss } = outcome;
  const meta = writeEntry(
    storeRoot,
    {
      storeFormat: STORE_FORMAT,
      hash,
      config,
      labels: [experiment.id],
      engine: { id: engine.id, sourceHash: sourceHash([engine.sourceEntry, TRAINING_LOOP_ENTRY]), backend, threads: engine.threads },
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
  clearCheckpoint(storeRoot, hash);
  reporter.line(`${experiment.id}  trained in ${formatSeconds(state.wallSeconds)} (final loss ${finalLoss.toPrecision(4)})`);
  return meta;
}

/** Ensures each experiment's run exists; returns experiment id → hash. */
export async function ensureRuns(experiments: readonly Experiment[], options: EnsureOptions): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
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
      // A checkpoint next to a finished entry is left from a concurrent build; it is no longer needed.
      if (existsSync(checkpointFile(options.storeRoot, hash))) clearCheckpoint(options.storeRoot, hash);
      options.reporter.line(`${experiment.id}  cached (${hash.slice(0, 8)}, final loss ${status.meta.finalLoss.toPrecision(4)})`);
      continue;
    }
    if (status.kind === 'corrupt') options.reporter.line(`${experiment.id}  store entry is corrupt: ${status.reason}; retraining`);
    await trainAndStore(experiment, hash, options);
  }
  return hashes;
}
