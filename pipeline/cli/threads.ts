import { fusedEngine } from '../train/fused.ts';
import { UsageError } from './usage.ts';

/** More worker threads than this only costs memory and start-up time. */
const MAX_THREADS = 256;

/** Applies `--threads N` (a positive integer) to the fused engine; absent, it keeps the machine's parallelism. */
export function applyThreadsOption(value: string | undefined): void {
  if (value === undefined) return;
  const threads = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new UsageError(`--threads "${value}" is not an integer from 1 to ${MAX_THREADS}; use e.g. --threads 2, or leave it out to use every core`);
  }
  fusedEngine.threads = threads;
}
