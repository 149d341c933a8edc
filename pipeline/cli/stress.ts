/**
 * npm run stress -- [--repetitions 200] [--small-steps 20000] [--big-steps 3000] [--spurious-every 1]
 * Repeats the sequence that hung a plain training run (issue 28) in one process: six small
 * identity runs (n = 5) trained side by side on the worker pool, then one fused run on
 * sparse(1000, 0.99), T = 200, on every thread it may use, all retrained (--force) into a
 * temporary store. Every repetition must finish, with tensors bitwise equal to the first
 * repetition's. By default the kernel workers are also woken without a new phase every
 * phase (FUSED_ENGINE_FAULT spuriousWakeEvery), the event that hung the old protocol about
 * once in 30,000 phases; --spurious-every 0 runs the plain sequence. Exits 1 on the first
 * difference or failure. Times are not asserted (a loaded machine is slow, never wrong).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Experiment } from '../experiments/types.ts';
import { ensureRuns, runHash, type Reporter } from '../stages/runs.ts';
import { entryDir, TENSOR_FILE } from '../store/runStore.ts';
import { FAULT_VARIABLE } from '../train/fusedWasm.ts';

const { values } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '200' },
    'small-steps': { type: 'string', default: '20000' },
    'big-steps': { type: 'string', default: '3000' },
    'spurious-every': { type: 'string', default: '1' },
  },
});
const count = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} ${values[name]}: use a whole number`);
    process.exit(2);
  }
  return value;
};
const repetitions = count('repetitions');
const smallSteps = count('small-steps');
const bigSteps = count('big-steps');
const spuriousEvery = count('spurious-every');
if (spuriousEvery > 0) process.env[FAULT_VARIABLE] = JSON.stringify({ spuriousWakeEvery: spuriousEvery });

const base = { m: 2, bias: true, weightDecay: 0, engine: 'fused', snapshots: 2, schedule: { kind: 'constant', lr: 1e-3 } } as const;
const experiments: Experiment[] = [
  ...[1, 2, 3, 4, 5, 6].map((seed) => ({ ...base, id: `small-${seed}`, data: { family: 'identity', n: 5 }, steps: smallSteps, seed }) as Experiment),
  { ...base, id: 'big', data: { family: 'sparse', n: 1000, S: 0.99, T: 200 }, steps: bigSteps, seed: 0 } as Experiment,
];
const quiet: Reporter = { line: () => {}, detail: () => {}, progress: () => ({ update: () => {}, done: () => {} }) };
const store = mkdtempSync(path.join(os.tmpdir(), 'stress-store-'));
const tensorsOf = () => experiments.map((experiment) => readFileSync(path.join(entryDir(store, experiment.data.family, runHash(experiment)), TENSOR_FILE)));

try {
  let first: Buffer[] | null = null;
  const started = Date.now();
  for (let repetition = 1; repetition <= repetitions; repetition++) {
    await ensureRuns([{ label: 'stress', experiments }], { storeRoot: store, reporter: quiet, force: true, jobs: Math.max(2, os.availableParallelism()) });
    const tensors = tensorsOf();
    first ??= tensors;
    const differs = experiments.filter((_, k) => !tensors[k].equals(first![k]));
    if (differs.length > 0) {
      console.error(`repetition ${repetition}: ${differs.map((e) => e.id).join(', ')} differ from repetition 1`);
      process.exit(1);
    }
    console.log(`repetition ${repetition}/${repetitions}: 7 runs, bitwise equal to repetition 1 (${Math.round((Date.now() - started) / 1000)} s so far)`);
  }
  console.log(`stress: ${repetitions} repetitions of the issue-28 sequence finished, every one bitwise equal`);
} finally {
  rmSync(store, { recursive: true, force: true });
}
