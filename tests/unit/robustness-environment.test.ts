/**
 * The store's environment going wrong, through the real train CLI: a read-only store, a
 * full disk (a real tmpfs when this process may mount one), files where folders should
 * be. Each ends in one line with the path and the fix, before training where it can be
 * known then; a finished run whose publication fails is kept as a checkpoint and
 * published by the next run without training.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, hasStackTrace, onlyEntry, removeCopy, runCli, startCli, TEST_EXPERIMENTS } from '../fixtures/repoCopy.ts';
import { checkpointFile, TENSOR_FILE } from '../../pipeline/store/runStore.ts';

let root: string;
/** slow-run's and tiny-run's tensors from clean runs, for comparison. */
const reference: Record<string, Buffer> = {};

const train = (store: string, id: string) => runCli(root, 'pipeline/cli/train.ts', [id, '--store', store]);
const errorLines = (stderr: string) => stderr.split('\n').filter((line) => line.trim() !== '');
const isRoot = process.getuid?.() === 0;

/** Runs `mount` (root only); false when this process may not mount (then those tests are skipped). */
function mount(args: string[]): boolean {
  return spawnSync('mount', args, { stdio: 'ignore' }).status === 0;
}
const umount = (dir: string) => spawnSync('umount', [dir], { stdio: 'ignore' });
const canMount = (() => {
  if (!isRoot) return false;
  const probe = path.join(tmpdir(), `mount-probe-${process.pid}`);
  mkdirSync(probe, { recursive: true });
  const ok = mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
  if (ok) umount(probe);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

/** Makes `dir` read-only for the trainer: a read-only bind mount as root, chmod otherwise. Returns the undo. */
function makeReadOnly(dir: string): () => void {
  if (isRoot) {
    if (!mount(['--bind', dir, dir]) || !mount(['-o', 'remount,ro,bind', dir])) throw new Error(`cannot bind-mount ${dir} read-only`);
    return () => umount(dir);
  }
  chmodSync(dir, 0o555);
  return () => chmodSync(dir, 0o755);
}

/** Fills the file system of `dir` until writes fail (ENOSPC). */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const chunk = Buffer.alloc(4096, 1);
  for (;;) {
    try {
      writeFileSync(filler, chunk, { flag: 'a' });
    } catch {
      return filler;
    }
  }
}

beforeAll(async () => {
  root = copyRepo();
  addExperiments(root, TEST_EXPERIMENTS);
  for (const id of ['tiny-run', 'slow-run']) {
    const store = path.join(root, `reference-${id}`);
    const result = await train(store, id);
    expect(result.code, result.stderr).toBe(0);
    reference[id] = readFileSync(path.join(onlyEntry(store, 'identity'), TENSOR_FILE));
  }
});
afterAll(() => removeCopy(root));

describe('a store that cannot be written is refused before training, in one line', () => {
  it.skipIf(!canMount && isRoot)('a read-only store: one line with the path and the fix; cached runs are still served', async () => {
    const store = path.join(root, 'read-only-store');
    mkdirSync(path.join(store, 'identity'), { recursive: true });
    mkdirSync(path.join(store, 'checkpoints'), { recursive: true });
    const undo = makeReadOnly(store);
    try {
      const result = await train(store, 'tiny-run');
      expect(result.code).toBe(1);
      expect(result.stdout).not.toMatch(/training \(/);
      expect(errorLines(result.stderr)).toEqual([
        isRoot
          ? `run store: cannot train "tiny-run": ${store}/identity is on a read-only file system; remount it read-write, or pass --store with a writable folder.`
          : `run store: cannot train "tiny-run": ${store}/identity is not writable by this user; fix its permissions (chmod u+w), or pass --store with a writable folder.`,
      ]);
      expect(hasStackTrace(result.stderr)).toBe(false);
    } finally {
      undo();
    }
    // With the run in it, a read-only store serves it (as a read-only checkout would).
    expect((await train(store, 'tiny-run')).code).toBe(0);
    const undoAgain = makeReadOnly(store);
    try {
      const cached = await train(store, 'tiny-run');
      expect(cached.code, cached.stderr).toBe(0);
      expect(cached.stdout).toMatch(/fixture\/spine: 1 run — all cached/);
    } finally {
      undoAgain();
    }
  });

  it.skipIf(!canMount)('a disk without room for the run: one line with the free space and the fix', async () => {
    const store = path.join(root, 'small-disk');
    mkdirSync(store);
    expect(mount(['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', store])).toBe(true);
    try {
      writeFileSync(path.join(store, 'filler'), Buffer.alloc(236 * 1024));
      const result = await train(store, 'slow-run');
      expect(result.code).toBe(1);
      expect(result.stdout).not.toMatch(/training \(/);
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/run store: cannot train "slow-run": only \d+ kB free on the disk of .*small-disk, and saving the run needs about \d+ kB; free some space \(or pass --store on another disk\) and run the same command again\./);
      expect(hasStackTrace(result.stderr)).toBe(false);
    } finally {
      umount(store);
    }
  });
});

describe('a store that fails while a run trains', () => {
  it.skipIf(!canMount)('the disk fills up during training: one line (no space, the path, the fix); after freeing space the run trains', async () => {
    const store = path.join(root, 'filling-disk');
    mkdirSync(store);
    expect(mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', store])).toBe(true);
    try {
      const cli = startCli(root, 'pipeline/cli/train.ts', ['slow-run', '--store', store]);
      await cli.waitFor(/slow-run {2}training \(/);
      const filler = fillDisk(store);
      const result = await cli.finished;
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/^run store: could not publish "slow-run": no space left on the disk of .*filling-disk\/identity\/[0-9a-f]{64}; free some space \(or pass --store on another disk\) and run the same command again; keeping the finished run as a checkpoint failed too \(ENOSPC\), so it trains again next time\.$/m);
      expect(hasStackTrace(result.stderr)).toBe(false);
      expect(readdirSync(path.join(store, 'identity'))).toEqual([]); // no partial entry or temporary
      rmSync(filler);
      const rerun = await train(store, 'slow-run');
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(readFileSync(path.join(onlyEntry(store, 'identity'), TENSOR_FILE)).equals(reference['slow-run'])).toBe(true);
    } finally {
      umount(store);
    }
  });

  it('its folder is replaced by a file while it trains: the finished run is kept and the next run publishes it without training', async () => {
    const store = path.join(root, 'damaged-during-training');
    const cli = startCli(root, 'pipeline/cli/train.ts', ['slow-run', '--store', store]);
    await cli.waitFor(/slow-run {2}training \(/);
    rmSync(path.join(store, 'identity'), { recursive: true });
    writeFileSync(path.join(store, 'identity'), 'not a folder');
    const result = await cli.finished;
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const hash = /kept in .*checkpoints\/([0-9a-f]{64})\.safetensors/.exec(result.stderr)?.[1];
    expect(errorLines(result.stderr)).toEqual([
      `run store: could not publish "slow-run": ${store}/identity is a file where the run store needs a folder; move that one file elsewhere (it is not part of the store); the finished run is kept in ${checkpointFile(store, hash!)}: fix that and run the same command again to publish it without training.`,
    ]);
    rmSync(path.join(store, 'identity'));
    const rerun = await train(store, 'slow-run');
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('slow-run  finished earlier; publishing it from its checkpoint');
    expect(rerun.stdout).not.toMatch(/training \(/);
    expect(readFileSync(path.join(onlyEntry(store, 'identity'), TENSOR_FILE)).equals(reference['slow-run'])).toBe(true);
    expect(readdirSync(path.join(store, 'checkpoints'))).toEqual([]);
  });
});

describe('other damage to the store', () => {
  /** [name, damage(store, entryDir), expected: one error line, or the corrupt-entry reason before a retrain]. */
  const damages: [string, (store: string, entry: string) => void, { error: RegExp } | { retrained: RegExp }][] = [
    ['the store folder is a file', (store) => (rmSync(store, { recursive: true }), writeFileSync(store, 'x')), { error: /^run store: .*damage-\d+ is a file where the run store needs a folder; move that one file elsewhere \(it is not part of the store\), or pass --store with another folder\.$/ }],
    ['a family folder is a file', (store) => (rmSync(path.join(store, 'identity'), { recursive: true }), writeFileSync(path.join(store, 'identity'), 'x')), { error: /^run store: cannot train "tiny-run": .*damage-\d+\/identity is a file where the run store needs a folder; move that one file elsewhere \(it is not part of the store\)\.$/ }],
    // (with the entry gone, so that the run must train)
    ['the checkpoints folder is a file', (store, entry) => (rmSync(entry, { recursive: true }), rmSync(path.join(store, 'checkpoints'), { recursive: true, force: true }), writeFileSync(path.join(store, 'checkpoints'), 'x')), { error: /^run store: cannot train "tiny-run": .*damage-\d+\/checkpoints is a file where the run store needs a folder; move that one file elsewhere \(it is not part of the store\)\.$/ }],
    // Issue 28: a dangling link in place of one entry was reported as "identity is a file … delete that file".
    [
      'the entry folder is a symbolic link that points nowhere',
      (_store, entry) => (rmSync(entry, { recursive: true }), symlinkSync('/nonexistent/run', entry)),
      { error: /^run store: cannot train "tiny-run": .*damage-\d+\/identity\/[0-9a-f]{64} is a symbolic link to \/nonexistent\/run, which does not exist, where the run store needs a folder; restore what it points to, or remove just that link \(rm ".*damage-\d+\/identity\/[0-9a-f]{64}"\)\.$/ },
    ],
    [
      'a family folder is a symbolic link that points nowhere',
      (store) => (rmSync(path.join(store, 'identity'), { recursive: true }), symlinkSync('/nonexistent/identity', path.join(store, 'identity'))),
      { error: /^run store: cannot train "tiny-run": .*damage-\d+\/identity is a symbolic link to \/nonexistent\/identity, which does not exist, where the run store needs a folder; restore what it points to, or remove just that link/ },
    ],
    [
      'the checkpoints folder is a symbolic link to a file',
      (store, entry) => (rmSync(entry, { recursive: true }), rmSync(path.join(store, 'checkpoints'), { recursive: true, force: true }), writeFileSync(path.join(store, 'elsewhere'), 'x'), symlinkSync(path.join(store, 'elsewhere'), path.join(store, 'checkpoints'))),
      { error: /^run store: cannot train "tiny-run": .*damage-\d+\/checkpoints is a symbolic link to the file .*elsewhere where the run store needs a folder; remove just that link/ },
    ],
    ['the entry folder is a file', (_store, entry) => (rmSync(entry, { recursive: true }), writeFileSync(entry, 'x')), { retrained: /[0-9a-f]{64} is a file, not an entry folder/ }],
    ['meta.json is a folder', (_store, entry) => (rmSync(path.join(entry, 'meta.json')), mkdirSync(path.join(entry, 'meta.json'))), { retrained: /meta\.json cannot be read \(EISDIR/ }],
    ['the tensor file is a folder', (_store, entry) => (rmSync(path.join(entry, TENSOR_FILE)), mkdirSync(path.join(entry, TENSOR_FILE))), { retrained: /tensors\.safetensors cannot be read \(EISDIR/ }],
  ];
  let count = 0;

  it.each(damages)('%s', async (_name, damage, expected) => {
    const store = path.join(root, `damage-${count++}`);
    const first = await train(store, 'tiny-run');
    expect(first.code, first.stderr).toBe(0);
    const entry = onlyEntry(store, 'identity');
    damage(store, entry);
    const result = await train(store, 'tiny-run');
    expect(hasStackTrace(result.stderr), result.stderr).toBe(false);
    if ('error' in expected) {
      expect(result.code).toBe(1);
      expect(errorLines(result.stderr)).toHaveLength(1);
      expect(errorLines(result.stderr)[0]).toMatch(expected.error);
    } else {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`tiny-run  store entry is corrupt: .*${expected.retrained.source}.*; retraining`));
      expect(readFileSync(path.join(entry, TENSOR_FILE)).equals(reference['tiny-run'])).toBe(true);
    }
  });

  it('a folder where the checkpoint file should be is reported and replaced', async () => {
    const store = path.join(root, 'checkpoint-folder');
    // A zero budget stops at step 0 and leaves a checkpoint: its name tells the hash.
    const stopped = await runCli(root, 'pipeline/cli/train.ts', ['tiny-run', '--store', store, '--budget', '0s']);
    expect(stopped.code).toBe(75);
    const [name] = readdirSync(path.join(store, 'checkpoints'));
    rmSync(path.join(store, 'checkpoints', name));
    mkdirSync(path.join(store, 'checkpoints', name));
    const result = await train(store, 'tiny-run');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/tiny-run {2}checkpoint is corrupt: .*\.safetensors is not a readable checkpoint \(EISDIR.*; training from the start/);
    expect(existsSync(path.join(store, 'checkpoints', name))).toBe(false);
  });
});
