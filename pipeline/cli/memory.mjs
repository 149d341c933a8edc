/**
 * Loaded first by the npm scripts (`node --import ./pipeline/cli/memory.mjs --import tsx …`),
 * before the TypeScript loader, because under a virtual-memory limit (`ulimit -v`, as
 * cluster schedulers set) the loader's own WebAssembly parser is often the first thing to
 * fail. WebAssembly reserves about 10 GiB of address space for each memory it creates (the
 * guard region that lets it skip bounds checks), far more than it uses: the loader takes one
 * per thread, the fused engine one per run. V8's error ("Out of memory: Cannot allocate Wasm
 * memory") says none of that, so it becomes one line with the limit and the fix.
 * Plain JavaScript: it must run before tsx exists.
 */
import { readFileSync, writeSync } from 'node:fs';
import os from 'node:os';

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
  // Measured on 2 cores: 24 GiB fails, 40 GiB trains (the loader's parser and a kernel memory per thread, plus the main thread's).
  const needed = `about ${10 * (cores + 2)} GiB of address space with ${cores} threads`;
  const why =
    limit === null
      ? 'the system refused to reserve address space for it (no ulimit -v is set: check the container\'s or scheduler\'s memory limits)'
      : `this process may use at most ${(limit / GIB).toFixed(1)} GiB of address space (ulimit -v ${Math.round(limit / 1024)})`;
  return (
    `out of memory for WebAssembly: ${why}, and WebAssembly reserves about 10 GiB of address space for each memory it creates (one per thread), ` +
    `though it uses far less memory. Training needs ${needed}: raise the limit (ulimit -v unlimited), or use fewer threads (--jobs 1 --threads 1).`
  );
}

// The monitor sees every uncaught error before Node prints it; errors.ts, once loaded, asks wasmMemoryMessage too.
process.on('uncaughtExceptionMonitor', (error) => {
  const message = wasmMemoryMessage(error);
  if (message === null) return;
  // Written straight to fd 2: process.stderr can be asynchronous (in a worker thread it is
  // forwarded to the main thread), and process.exit would drop what is still queued.
  writeSync(2, `\n${message}\n`);
  process.exit(1);
});
