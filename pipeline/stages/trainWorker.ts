/**
 * One worker of the training pool (pool.ts): trains whole runs of the fused engine on
 * one thread, one at a time, and posts the result back; the main thread stores it. The
 * same loop and kernel as training in the main thread, so the results are bitwise the same.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fusedEngine } from '../train/fused.ts';
import { DivergenceError, train } from '../train/loop.ts';
import type { WorkerReply, WorkerTask } from './pool.ts';

fusedEngine.threads = 1;
const stopFlag = new Int32Array(workerData.stop as SharedArrayBuffer);
const PROGRESS_EVERY_MS = 200;
const port = parentPort!;
const post = (reply: WorkerReply) => port.postMessage(reply);

port.on('message', async (task: WorkerTask) => {
  let lastProgress = 0;
  let ran = { backend: 'unknown', threads: 0 };
  try {
    const outcome = await train(task.config, fusedEngine, task.resume, {
      onModel: ({ backend, threads }) => {
        ran = { backend, threads };
      },
      onProgress: (step) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        post({ kind: 'progress', step });
      },
      shouldStop: () => Atomics.load(stopFlag, 0) !== 0,
      checkpoint: (state) => post({ kind: 'checkpoint', state }),
      checkpointSeconds: task.checkpointSeconds,
    });
    post({ kind: 'outcome', outcome, ...ran });
  } catch (error) {
    if (error instanceof DivergenceError) post({ kind: 'diverged', step: error.step, message: error.message });
    else post({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
post({ kind: 'ready' });
