/**
 * Real processes, real signals: two trainings racing on one store, Ctrl-C (SIGINT to the
 * process group, as a terminal sends it) and SIGTERM mid-training with resumption to
 * the same bits as an uninterrupted run, and a diverging run that stores nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, hasStackTrace, onlyEntry, removeCopy, runCli, startCli, TEST_EXPERIMENTS } from '../fixtures/repoCopy.ts';
import { readEntry, TENSOR_FILE } from '../../pipeline/store/runStore.ts';

let root: string;
beforeAll(() => {
  root = copyRepo();
  addExperiments(root, TEST_EXPERIMENTS);
});
afterAll(() => removeCopy(root));

const train = (store: string, ids: string[]): [string, string[]] => ['pipeline/cli/train.ts', [...ids, '--store', store]];
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** slow-run's tensors from the uninterrupted race below: the reference for resumed runs. */
let reference: Buffer | undefined;

describe.sequential('training under stress', () => {
  it('two builds at once on the same store both succeed and leave one sound entry, no temporaries', async () => {
    const store = path.join(root, 'race-store');
    const [a, b] = await Promise.all([0, 1].map(() => runCli(root, ...train(store, ['slow-run']))));
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const entry = onlyEntry(store, 'identity');
    expect(readEntry(store, 'identity', path.basename(entry)).kind).toBe('ok');
    expect(listing(path.join(store, 'identity'))).toEqual([path.basename(entry)]);
    expect(listing(path.join(store, 'checkpoints'))).toEqual([]);
    reference = readFileSync(path.join(entry, TENSOR_FILE));
  });

  it('Ctrl-C, then SIGTERM, mid-training: each checkpoints and exits 130; the third run resumes to the same bits', async () => {
    expect(reference, 'needs the race above').toBeDefined();
    const store = path.join(root, 'signal-store');
    const stops: number[] = [];
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const cli = startCli(root, ...train(store, ['slow-run']));
      await cli.waitFor(/slow-run {2}training \(/);
      await sleep(700); // well inside the run, which lasts seconds
      cli.signalGroup(signal);
      const result = await cli.finished;
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(130);
      expect(result.stderr).toContain(`${signal}: finishing the current step and saving a checkpoint`);
      const stopped = /interrupted while training "slow-run" at step (\d+) of 30000; progress is checkpointed and the next build resumes it/.exec(result.stderr);
      expect(stopped, result.stderr).not.toBeNull();
      expect(hasStackTrace(result.stderr)).toBe(false);
      stops.push(Number(stopped![1]));
      expect(listing(path.join(store, 'identity'))).toEqual([]); // nothing published yet
      expect(listing(path.join(store, 'checkpoints'))).toHaveLength(1);
    }
    expect(stops[0]).toBeGreaterThan(0);
    expect(stops[1]).toBeGreaterThan(stops[0]);

    const last = await runCli(root, ...train(store, ['slow-run']));
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toContain(`resuming at step ${stops[1]}`);
    const entry = onlyEntry(store, 'identity');
    expect(readEntry(store, 'identity', path.basename(entry)).kind).toBe('ok');
    expect(readFileSync(path.join(entry, TENSOR_FILE)).equals(reference!), 'resumed run differs from the uninterrupted one').toBe(true);
    expect(listing(path.join(store, 'checkpoints'))).toEqual([]);
  });

  it('a diverging run stops with the experiment, the step and the fix, and leaves no entry and no checkpoint', async () => {
    const store = path.join(root, 'divergence-store');
    // First leave a checkpoint for it (a zero budget stops at step 0), as an interrupted build would.
    const stopped = await runCli(root, ...train(store, ['diverging-run', '--budget', '0s']));
    expect(stopped.code, stopped.stderr).toBe(75);
    expect(listing(path.join(store, 'checkpoints'))).toHaveLength(1);

    const result = await runCli(root, ...train(store, ['diverging-run']));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('resuming at step 0');
    expect(result.stderr).toMatch(
      /experiment "diverging-run" diverged at step \d+: .+ is not finite \(NaN or infinite\)\. Nothing was stored for this run\. Lower its learning rate \(schedule\.lr or schedule\.peakLr\)/,
    );
    expect(hasStackTrace(result.stderr), result.stderr).toBe(false);
    expect(listing(path.join(store, 'identity'))).toEqual([]);
    expect(listing(path.join(store, 'checkpoints'))).toEqual([]);
  });
});
