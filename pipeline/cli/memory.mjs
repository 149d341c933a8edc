/**
 * Loaded first by the npm scripts (`node --import ./pipeline/cli/memory.mjs --import tsx …`),
 * before the TypeScript loader, because under a virtual-memory limit (`ulimit -v`, as
 * cluster schedulers set) the loader's own WebAssembly parser is often the first thing to
 * fail. WebAssembly reserves about 10 GiB of address space for each memory it creates (the
 * guard region that lets it skip bounds checks), far more than it uses: the loader takes one
 * per thread, the fused engine one per run, the optimizer one per thread. V8's error ("Out
 * of memory: Cannot allocate Wasm memory") says none of that, so it becomes one line with
 * the limit and the fix.
 * Plain JavaScript: it must run before tsx exists.
 */
import { readFileSync, writeSync } from 'node:fs';
import { register } from 'node:module';
import os from 'node:os';
import { isMainThread } from 'node:worker_threads';

const WASM_ALLOCATION = /Cannot allocate Wasm memory|WebAssembly\.Memory\(\): could not allocate memory/;
const GIB = 2 ** 30;

/** The process's address-space limit in bytes (`ulimit -v`), or null when there is none (or it cannot be read). */
export function addressSpaceLimit() {
  try {
    const match = /^Max address space\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match && match[1] !== 'unlimited' ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The one-line explanation of a failed WebAssembly allocation, or null for any other error. */
export function wasmMemoryMessage(error) {
  const text = String(error?.message ?? error);
  if (!WASM_ALLOCATION.test(text)) return null;
  const limit = addressSpaceLimit();
  const cores = os.availableParallelism();
  // Measured on 2 cores (2026-12-07, training tiny-run on 1 and 2 threads): 60 GiB fails, 70 GiB trains (the loader's
  // parser, a kernel memory per thread, the main thread's, and the optimizer's, pipeline/train/adamwWasm.ts).
  const needed = `about ${10 * (cores + 5)} GiB of address space with ${cores} threads`;
  const why =
    limit === null
      ? 'the system refused to reserve address space for it (no ulimit -v is set: check the container\'s or scheduler\'s memory limits)'
      : `this process may use at most ${(limit / GIB).toFixed(1)} GiB of address space (ulimit -v ${Math.round(limit / 1024)})`;
  return (
    `out of memory for WebAssembly: ${why}, and WebAssembly reserves about 10 GiB of address space for each memory it creates (one per thread), ` +
    `though it uses far less memory. Training needs ${needed}: raise the limit (ulimit -v unlimited), or use fewer threads (--jobs 1 --threads 1).`
  );
}

// The TypeScript loader's hooks run in a thread of their own, and its WebAssembly parser may be
// the first to fail there. When that thread dies, the main thread exits at once with the same
// code, before the thread's error message is forwarded to stderr: the process ended with status
// 1 and nothing printed (1 run in 3 on a loaded machine). So this file is also registered as a
// hooks module (it defines only `initialize`), which runs it in that thread with the handler below.

// Both threads may fail at the same moment; this flag, shared between them, lets one write the
// line. 0: nothing written, 1: being written, 2: written.
let reported = new Int32Array(new SharedArrayBuffer(4));

/** Hooks-thread entry (module.register's `initialize`): share the main thread's flag. */
export function initialize(data) {
  reported = data.reported;
}

// The monitor sees every uncaught error before Node prints it; errors.ts, once loaded, asks wasmMemoryMessage too.
process.on('uncaughtExceptionMonitor', (error) => {
  const message = wasmMemoryMessage(error);
  if (message === null) return;
  if (Atomics.compareExchange(reported, 0, 0, 1) === 0) {
    // Written straight to fd 2: process.stderr can be asynchronous (in a worker thread it is
    // forwarded to the main thread), and process.exit would drop what is still queued.
    writeSync(2, `\n${message}\n`);
    Atomics.store(reported, 0, 2);
    Atomics.notify(reported, 0);
  } else {
    Atomics.wait(reported, 0, 1, 1000); // the other thread is writing it: let it finish first
  }
  process.exit(1);
});

if (isMainThread) register(import.meta.url, { data: { reported } });
