/**
 * A pool of worker threads, each training whole runs on one core (trainWorker.ts): how
 * many small runs use every core at once. Workers only compute; the main thread reads
 * checkpoints, writes entries and reports, so the store is written exactly as when
 * training in the main thread. One shared flag stops every worker at its next step.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunConfig } from '../experiments/types.ts';
import type { TrainOutcome, TrainState } from '../train/loop.ts';

export interface WorkerTask {
  config: RunConfig;
  resume: TrainState | null;
  checkpointSeconds?: number;
}

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'progress'; step: number }
  | { kind: 'checkpoint'; state: TrainState }
  | { kind: 'outcome'; outcome: TrainOutcome; backend: string; threads: number }
  | { kind: 'diverged'; step: number; message: string }
  | { kind: 'failed'; message: string };

export type TaskResult = Extract<WorkerReply, { kind: 'outcome' | 'diverged' }>;

export interface TaskHooks {
  onProgress(step: number): void;
  onCheckpoint(state: TrainState): void;
}

/**
 * Workers run TypeScript: each registers tsx in its own thread first (a worker does not
 * inherit the main thread's loader), so the pool works under `node --import tsx` and
 * under the test runner alike.
 */
function workerBootstrap(): string {
  const tsxApi =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./trainWorker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });\n`;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
}

export class TrainingPool {
  readonly size: number;
  private readonly stop = new Int32Array(new SharedArrayBuffer(4));
  private readonly slots: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private failure: Error | null = null;

  constructor(size: number) {
    this.size = Math.max(1, size);
    const bootstrap = workerBootstrap();
    for (let k = 0; k < this.size; k++) {
      const worker = new Worker(bootstrap, { eval: true, workerData: { stop: this.stop.buffer } });
      const ready = new Promise<void>((resolve, reject) => {
        const onMessage = (reply: WorkerReply) => {
          if (reply.kind !== 'ready') return;
          worker.off('message', onMessage);
          resolve();
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
      });
      // An unhandled rejection here would end the process before run() can report it.
      ready.catch(() => {});
      worker.on('error', (error) => (this.failure ??= error));
      this.slots.push({ worker, ready, busy: false });
    }
  }

  /** Asks every worker to stop at its next step; runs in flight resolve as unfinished. */
  requestStop(): void {
    Atomics.store(this.stop, 0, 1);
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((slot) => !slot.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Trains one run on the next free worker. */
  async run(task: WorkerTask, hooks: TaskHooks): Promise<TaskResult> {
    const slot = await this.acquire();
    try {
      await slot.ready;
      return await new Promise<TaskResult>((resolve, reject) => {
        const { worker } = slot;
        const onError = (error: Error) => finish(() => reject(new Error(`training worker failed: ${error.message}`, { cause: error })));
        const onExit = (code: number) => finish(() => reject(new Error(`training worker exited (code ${code}) in the middle of a run`)));
        const onMessage = (reply: WorkerReply) => {
          if (reply.kind === 'progress') hooks.onProgress(reply.step);
          else if (reply.kind === 'checkpoint') hooks.onCheckpoint(reply.state);
          else if (reply.kind === 'failed') finish(() => reject(new Error(`training worker failed: ${reply.message}`)));
          else if (reply.kind === 'outcome' || reply.kind === 'diverged') finish(() => resolve(reply));
        };
        const finish = (settle: () => void) => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          settle();
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        if (this.failure) onError(this.failure);
        else worker.postMessage(task);
      });
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
