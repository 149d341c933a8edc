/**
 * Signals that used to leave a trainer running: SIGTERM sent to `npm` alone (npm exits,
 * the trainer was orphaned and trained on), and Ctrl-C while a run's data are generated
 * (synchronous work during which no handler can run: it used to be deaf until the
 * generation ended). Real `npm run train` process trees, real signals.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, FIXTURE_POST, onlyEntry, removeCopy, runCli, startCli, TEST_EXPERIMENTS, type Finished } from '../fixtures/repoCopy.ts';
import { TENSOR_FILE } from '../../pipeline/store/runStore.ts';

let root: string;
beforeAll(() => {
  root = copyRepo();
  addExperiments(root, TEST_EXPERIMENTS);
  // About ten million non-zeros to draw: seconds of synchronous data generation.
  addExperiments(root, `[{ id: 'slow-data', data: { family: 'sparse', n: 100, S: 0.9, T: 1000000 }, m: 2, bias: true, steps: 10, schedule: { kind: 'constant', lr: 1e-3 }, weightDecay: 0, seed: 0, engine: 'fused', snapshots: 0 }]`);
});
afterAll(() => removeCopy(root));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/** Processes of the group still running (a zombie has exited; an init that does not reap may keep it listed). */
function running(pgid: number): string[] {
  const ps = spawnSync('ps', ['-o', 'stat=,pid=,args=', '-g', String(pgid)], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('Z'));
}

/** Starts `npm run <script> -- args` in the copy, in its own process group, as typed in a terminal. */
function startNpm(cwd: string, script: string, args: string[]): { pid: number; output: () => string; closed: Promise<Finished>; waitFor(pattern: RegExp): Promise<void> } {
  const npm = spawn('npm', ['run', script, '--', ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let output = '';
  npm.stdout!.on('data', (chunk) => (output += chunk));
  npm.stderr!.on('data', (chunk) => (output += chunk));
  // 'close' waits for every holder of the pipes, i.e. for the trainer too, not only npm.
  const closed = new Promise<Finished>((resolve) => npm.on('close', (code, signal) => resolve({ code, signal, stdout: output, stderr: output })));
  let done = false;
  void closed.then(() => (done = true));
  /** Polls the output for `pattern`; fails if npm and its children end first. */
  const waitFor = async (pattern: RegExp) => {
    while (!pattern.test(output)) {
      if (done) throw new Error(`ended before printing ${pattern}:\n${output}`);
      await sleep(25);
    }
  };
  return { pid: npm.pid!, output: () => output, closed, waitFor };
}

describe('a trainer whose parent goes away', () => {
  it('SIGTERM to `npm run train` alone: the orphaned trainer notices, checkpoints and exits; the next run resumes to the same bits', async () => {
    const referenceStore = path.join(root, 'reference');
    const clean = await runCli(root, 'pipeline/cli/train.ts', ['slow-run', '--store', referenceStore]);
    expect(clean.code, clean.stderr).toBe(0);
    const reference = readFileSync(path.join(onlyEntry(referenceStore, 'identity'), TENSOR_FILE));

    const store = path.join(root, 'orphan-store');
    // npm → sh → node.
    const npm = startNpm(root, 'train', ['slow-run', '--store', store]);
    await npm.waitFor(/slow-run {2}training \(/);
    await sleep(700);
    process.kill(npm.pid, 'SIGTERM'); // npm alone, not the group
    const ended = await Promise.race([npm.closed, sleep(20_000).then(() => null)]);
    const output = npm.output();
    expect(ended, `the trainer kept running after npm exited:\n${output}`).not.toBeNull();
    expect(output).toMatch(/the parent process \(\d+\) exited: finishing the current step and saving a checkpoint/);
    const stopped = /interrupted while training "slow-run" at step (\d+) of 30000/.exec(output);
    expect(stopped, output).not.toBeNull();
    expect(running(npm.pid)).toEqual([]);
    expect(listing(path.join(store, 'identity'))).toEqual([]);
    expect(listing(path.join(store, 'checkpoints'))).toHaveLength(1);

    const resumed = await runCli(root, 'pipeline/cli/train.ts', ['slow-run', '--store', store]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`resuming at step ${stopped![1]}`);
    expect(readFileSync(path.join(onlyEntry(store, 'identity'), TENSOR_FILE)).equals(reference)).toBe(true);
  });
});

describe('a build whose npm goes away', () => {
  it('SIGTERM to `npm run build` alone: the pipeline under scripts/build.ts checkpoints and exits, and no site is built', async () => {
    // A copy of its own whose fixture post has one figure that needs a run of minutes, so the build trains it.
    const buildRoot = copyRepo(['pipeline', 'scripts', 'src/plugins/site-env.ts', 'package.json', 'package-lock.json', 'tsconfig.json']);
    try {
      addExperiments(buildRoot, `[{ id: 'minutes-run', data: { family: 'identity', n: 256 }, m: 2, bias: true, steps: 3000000, schedule: { kind: 'constant', lr: 1e-3 }, weightDecay: 1e-3, seed: 0, engine: 'fused', snapshots: 0 }]`);
      writeFileSync(
        path.join(buildRoot, FIXTURE_POST, 'post.ts'),
        `import { definePost } from '../../pipeline/post/post.ts';
import { spineExperiments } from './experiments/spine.ts';
import slow from './figures/slow.ts';
export default definePost({ groups: [{ file: 'content/fixture/experiments/spine.ts', experiments: spineExperiments }], figures: [slow], claims: [], tables: [] });
`,
      );
      mkdirSync(path.join(buildRoot, FIXTURE_POST, 'figures'));
      writeFileSync(
        path.join(buildRoot, FIXTURE_POST, 'figures', 'slow.ts'),
        `export default { id: 'slow', needs: ['minutes-run'], caption: 'Needs a long run.', render: () => ({ svg: '<svg xmlns="http://www.w3.org/2000/svg"><title>slow</title><desc>slow</desc></svg>', provenance: 'slow', numbers: {} }) };\n`,
      );
      const store = path.join(buildRoot, 'build-store');
      const npm = startNpm(buildRoot, 'build', ['--store', store, '--figures', path.join(buildRoot, 'build-figures'), '--verbose']);
      await npm.waitFor(/minutes-run {2}training \(/);
      await sleep(700);
      process.kill(npm.pid, 'SIGTERM'); // npm alone, not the group
      const ended = await Promise.race([npm.closed, sleep(20_000).then(() => null)]);
      const output = npm.output();
      expect(ended, `the build kept running after npm exited:\n${output}`).not.toBeNull();
      expect(output).toMatch(/SIGTERM: finishing the current step and saving a checkpoint/);
      expect(output).toMatch(/interrupted while training "minutes-run" at step \d+ of 3000000/);
      expect(running(npm.pid)).toEqual([]);
      expect(listing(path.join(store, 'checkpoints'))).toHaveLength(1);
      expect(existsSync(path.join(buildRoot, 'dist'))).toBe(false);
    } finally {
      removeCopy(buildRoot);
    }
  });
});

describe('Ctrl-C while a run prepares its data', () => {
  it('ends the process at once (nothing to save yet), instead of after the synchronous generation', async () => {
    const store = path.join(root, 'preparing-store');
    const cli = startCli(root, 'pipeline/cli/train.ts', ['slow-data', '--store', store]);
    await cli.waitFor(/slow-data {2}training \(/);
    const sent = Date.now();
    cli.signalGroup('SIGINT');
    const result = await cli.finished;
    const took = Date.now() - sent;
    expect(result.signal, `code ${result.code}\n${result.stdout}\n${result.stderr}`).toBe('SIGINT');
    expect(took).toBeLessThan(2000); // generating the data alone takes several seconds here
    expect(listing(path.join(store, 'sparse'))).toEqual([]);
    expect(listing(path.join(store, 'checkpoints'))).toEqual([]);
  });
});
