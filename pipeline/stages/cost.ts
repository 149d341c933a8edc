/**
 * How expensive a run is, before training it: a fixed formula (no measurement), so that
 * every machine of a sharded sweep computes the same shards, and the same split between
 * runs trained side by side on one core each and runs that use every core themselves.
 */
import { exampleCount } from '../data/datasets.ts';
import type { Experiment, RunConfig } from '../experiments/types.ts';

/**
 * Estimated work of one run: steps × (examples × n + 45 × (examples + n) + 4500), in
 * units of one output visit of the fused kernel. The examples × n term is the kernel's
 * work; the others are what it costs per step regardless: about 45 visits per example
 * and per feature (bookkeeping, AdamW over the parameters) and 4500 per step (the loop
 * itself). Fitted to the fused engine on one thread (n from 3 to 10000, T from 3 to 1000);
 * without the fixed terms a tiny run (n = 3) would look 16 times cheaper than n = 12,
 * though both take about 20 µs a step.
 */
export function estimatedCost(config: RunConfig): number {
  const examples = exampleCount(config.data);
  const n = config.data.n;
  return config.steps * (examples * n + 45 * (examples + n) + 4500);
}

/**
 * Kernel work per step (examples × n) from which the fused engine splits a step over
 * threads (two threads need 2 × 100,000: fused.ts, MIN_WORK_PER_THREAD). Below it a run
 * is single-threaded anyway, so such runs train side by side, one per core; above it a
 * run has every core to itself.
 */
export const MULTI_THREAD_WORK = 200_000;

/**
 * Whether a run is trained alone with every core (big) rather than beside others on one
 * core (small). A stream (T = ∞) is small whatever its batch: the fused engine builds a
 * model for every step's fresh batch, and a multi-threaded model starts its worker threads
 * each time, which on 2 cores made a stream run about 16 times slower per step (6.6
 * against 107 steps/s, n = 10,000, batch 1,024). Threads never change the result.
 */
export function usesEveryCore(experiment: Experiment): boolean {
  if (experiment.engine !== 'fused') return true;
  if (experiment.data.family === 'sparse-stream') return false;
  return exampleCount(experiment.data) * experiment.data.n >= MULTI_THREAD_WORK;
}

export interface Shard {
  /** 1-based, as in `--shard 2/8`. */
  index: number;
  count: number;
}

/** Parses "i/N" (1 ≤ i ≤ N); throws a one-line message otherwise. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new Error(`--shard "${text}" is not a shard; use i/N with 1 ≤ i ≤ N, e.g. --shard 1/4 … --shard 4/4`);
  }
  return { index, count };
}

/**
 * Splits runs into `count` shards of about equal estimated cost, deterministically: the
 * runs are taken by decreasing cost (ties by hash) and each goes to the shard with the
 * least cost so far (ties to the lowest index). Depends only on the set of runs, so
 * every machine given the same set computes the same split. Returns shard `index`'s runs.
 */
export function shardOf<T extends { hash: string; cost: number }>(runs: readonly T[], shard: Shard): T[] {
  const order = [...runs].sort((a, b) => b.cost - a.cost || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const load = new Array<number>(shard.count).fill(0);
  const mine: T[] = [];
  for (const run of order) {
    let lightest = 0;
    for (let k = 1; k < shard.count; k++) if (load[k] < load[lightest]) lightest = k;
    load[lightest] += run.cost;
    if (lightest === shard.index - 1) mine.push(run);
  }
  return mine;
}
