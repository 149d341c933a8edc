import { fusedEngine } from '../train/fused.ts';

/** Applies `--threads N` (a positive integer) to the fused engine; absent, it keeps the machine's parallelism. */
export function applyThreadsOption(value: string | undefined): void {
  if (value === undefined) return;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, got "${value}"`);
  fusedEngine.threads = threads;
}
