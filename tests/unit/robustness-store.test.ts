/**
 * The run store under damage, through the real train CLI on a scratch copy: corrupt
 * entries are reported and retrained to the same bits, an entry from a newer store
 * format is refused untouched, and a writer killed (or signalled) in the middle of
 * publishing an entry never exposes a partial one.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, hasStackTrace, onlyEntry, removeCopy, runCli, startCli, TEST_EXPERIMENTS, waitForFile } from '../fixtures/repoCopy.ts';
import { checkpointFile, readEntry, removeStaleTemporaries, writeCheckpoint, META_FILE, TENSOR_FILE } from '../../pipeline/store/runStore.ts';
import { fusedEngine } from '../../pipeline/train/fused.ts';
import { train as trainInProcess } from '../../pipeline/train/loop.ts';
import { canonicalJson, sha256 } from '../../pipeline/store/provenance.ts';
import { decodeSafetensors, encodeSafetensors } from '../../pipeline/store/safetensors.ts';

let root: string;
let store: string;
/** The tensor file of a sound, uninterrupted run of tiny-run, for comparison. */
let reference: Buffer;
let entry: string;

const train = (extraEnv: Record<string, string> = {}) => runCli(root, 'pipeline/cli/train.ts', ['tiny-run', '--store', store], extraEnv);
const hashOf = (dir: string) => path.basename(dir);
const status = () => readEntry(store, 'identity', hashOf(entry)).kind;
/** Edits meta.json and recomputes its checksum, as a careful hand (or a script) would. */
const forgeMeta = (edit: (meta: Record<string, any>) => void) => {
  const file = path.join(entry, META_FILE);
  const { metaChecksum: _old, ...meta } = JSON.parse(readFileSync(file, 'utf8'));
  edit(meta);
  writeFileSync(file, JSON.stringify({ ...meta, metaChecksum: sha256(canonicalJson(meta)) }));
};
/** Edits the tensors (header or values) and recomputes every checksum that covers them. */
const forgeTensors = (edit: (tensors: Record<string, any>) => void) => {
  const { tensors, metadata } = decodeSafetensors(reference);
  edit(tensors);
  const bytes = encodeSafetensors(tensors, metadata);
  writeFileSync(path.join(entry, TENSOR_FILE), bytes);
  forgeMeta((meta) => (meta.files = { [TENSOR_FILE]: sha256(bytes) }));
};

beforeAll(async () => {
  root = copyRepo();
  addExperiments(root, TEST_EXPERIMENTS);
  store = path.join(root, 'store');
  const first = await train();
  expect(first.code, first.stderr).toBe(0);
  entry = onlyEntry(store, 'identity');
  reference = readFileSync(path.join(entry, TENSOR_FILE));
});
afterAll(() => removeCopy(root));

describe('a damaged store entry is detected, reported and retrained', () => {
  const damages: [string, () => void, RegExp][] = [
    ['truncated tensors', () => writeFileSync(path.join(entry, TENSOR_FILE), reference.subarray(0, reference.length - 100)), /tensors\.safetensors does not match the checksum in meta\.json/],
    [
      'a hand-edited meta.json',
      () => {
        const file = path.join(entry, META_FILE);
        writeFileSync(file, readFileSync(file, 'utf8').replace(/"finalLoss": [^,]+,/, '"finalLoss": 0.5,'));
      },
      /meta\.json does not match its checksum \(edited by hand\?\)/,
    ],
    ['a deleted meta.json', () => rmSync(path.join(entry, META_FILE)), /meta\.json is missing/],
    // Checksums recomputed by hand prove only that the files agree with each other.
    ['an edited config with its checksum recomputed', () => forgeMeta((meta) => (meta.config.steps = 301)), /meta\.json: its config, engine and data generator hash to [0-9a-f]{64}, not its directory's/],
    [
      "another run's tensors, with meta.json's checksums recomputed to match",
      () => {
        const foreign = encodeSafetensors(decodeSafetensors(reference).tensors, { hash: 'f'.repeat(64) });
        writeFileSync(path.join(entry, TENSOR_FILE), foreign);
        forgeMeta((meta) => (meta.files = { [TENSOR_FILE]: sha256(foreign) }));
      },
      /tensors\.safetensors belongs to run f{64}, not/,
    ],
    // Issue 28: W read as integers (shape kept, checksums re-forged) was accepted.
    ["W's dtype changed F32 → I32, checksums recomputed", () => forgeTensors((t) => (t.W.data = new Int32Array(t.W.data.buffer))), /tensor "W" is I32, not F32 as this code writes it/],
    ["the loss curve's dtype changed F64 → F32 (half the values), checksums recomputed", () => forgeTensors((t) => (t.loss = { data: new Float32Array(t.loss.data), shape: t.loss.shape })), /tensor "loss" is F32, not F64/],
    ['a NaN in b, checksums recomputed', () => forgeTensors((t) => (t.b.data[2] = NaN)), /tensor "b" holds NaN at index 2; a stored run holds only finite numbers/],
    ['an infinite snapshot, checksums recomputed', () => forgeTensors((t) => (t.snapshots_W.data[0] = Infinity)), /tensor "snapshots_W" holds Infinity at index 0/],
    ['a final loss edited with its checksum recomputed', () => forgeMeta((meta) => (meta.finalLoss = 1e-9)), /meta\.json: finalLoss 1e-9 is not the last loss recorded in tensors\.safetensors/],
    ['steps edited in meta.json with its checksum recomputed', () => forgeMeta((meta) => (meta.steps = 150)), /meta\.json says 150 steps were trained, not the config's 300/],
    [
      'a loss curve cut at step 150, checksums recomputed',
      () => forgeTensors((t) => {
        const keep = Array.from(t.loss_steps.data as Float64Array).filter((step) => step <= 150).length;
        t.loss_steps = { data: t.loss_steps.data.slice(0, keep), shape: [keep] };
        t.loss = { data: t.loss.data.slice(0, keep), shape: [keep] };
      }),
      /its loss is recorded at \d+ steps, not at the \d+ steps a finished run of 300 records/,
    ],
  ];

  it.each(damages)('%s', async (_name, damage, reason) => {
    damage();
    expect(status()).toBe('corrupt');
    const rerun = await train();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(new RegExp(`tiny-run  store entry is corrupt: .*${reason.source}.*; retraining`));
    expect(rerun.stdout).toMatch(/tiny-run  trained in/);
    expect(status()).toBe('ok');
    expect(readFileSync(path.join(entry, TENSOR_FILE)).equals(reference)).toBe(true);
    expect(readdirSync(path.join(store, 'identity'))).toEqual([hashOf(entry)]); // nothing left aside
  });
});

describe('a checkpoint edited by hand, its checksum recomputed', () => {
  /** A real checkpoint of tiny-run at step 100 (the same training the CLI does, stopped there). */
  let checkpoint: Buffer;
  const file = () => checkpointFile(store, hashOf(entry));
  beforeAll(async () => {
    const { config } = JSON.parse(readFileSync(path.join(entry, META_FILE), 'utf8'));
    const saved = fusedEngine.threads;
    fusedEngine.threads = 1;
    try {
      let steps = 0;
      const outcome = await trainInProcess(config, fusedEngine, null, { shouldStop: () => steps++ === 100 });
      expect(outcome.finished).toBe(false);
      writeCheckpoint(store, hashOf(entry), outcome.state);
      checkpoint = readFileSync(file());
    } finally {
      fusedEngine.threads = saved;
    }
  });
  /** Rewrites the checkpoint's fields and recomputes its checksum the way runStore.ts does. */
  const forgeCheckpoint = (edit: (fields: Record<string, string>) => void) => {
    const { tensors, metadata } = decodeSafetensors(checkpoint);
    const { checksum: _old, ...fields } = metadata;
    edit(fields);
    const checksum = sha256(canonicalJson({ ...fields, body: sha256(encodeSafetensors(tensors)) }));
    writeFileSync(file(), encodeSafetensors(tensors, { ...fields, checksum }));
  };
  const cases: [string, () => void, RegExp][] = [
    // Issue 28: published as a finished run with step-100 parameters and the invented loss.
    [
      'step forged to the last one and marked finished with an invented loss',
      () => forgeCheckpoint((f) => Object.assign(f, { step: '300', finished: JSON.stringify({ finalLoss: 0.001, testLoss: null, backend: 'wasm-simd-float64', threads: 1 }) })),
      /says the run finished with loss 0\.001, which is not the last loss it recorded/,
    ],
    ['step forged to the last one, not marked finished', () => forgeCheckpoint((f) => (f.step = '300')), /does not fit the run at step 300: its loss is recorded at \d+ steps, not at the \d+ steps a run checkpointed at step 300 of 300 records/],
    ['step moved back', () => forgeCheckpoint((f) => (f.step = '40')), /does not fit the run at step 40: its loss is recorded at 100 steps, not at the 40 steps/],
  ];

  it.each(cases)('%s: refused, and the run trains from the start to the same bits', async (_name, forge, reason) => {
    rmSync(entry, { recursive: true });
    forge();
    const rerun = await train();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(new RegExp(`tiny-run  checkpoint is corrupt: .*${reason.source}.*; training from the start`));
    expect(rerun.stdout).not.toContain('publishing it from its checkpoint');
    expect(readFileSync(path.join(entry, TENSOR_FILE)).equals(reference)).toBe(true);
  });

  it('the sound checkpoint resumes at step 100 and ends at the same bits', async () => {
    rmSync(entry, { recursive: true });
    writeFileSync(file(), checkpoint);
    const rerun = await train();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('resuming at step 100');
    expect(readFileSync(path.join(entry, TENSOR_FILE)).equals(reference)).toBe(true);
  });
});

describe('an entry written by a newer store format', () => {
  it('is refused with a clear message and left untouched', async () => {
    const file = path.join(entry, META_FILE);
    const original = readFileSync(file, 'utf8');
    // What newer code would write: a higher format and a checksum that matches.
    const { metaChecksum: _old, ...rest } = JSON.parse(original);
    const newer = { ...rest, storeFormat: 99 };
    const text = `${JSON.stringify({ ...newer, metaChecksum: sha256(canonicalJson(newer)) }, null, 2)}\n`;
    writeFileSync(file, text);
    try {
      const result = await train();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/run store: .*meta\.json \(experiment "tiny-run"\) was written by store format 99, newer than this code's 1\. Update the code \(git pull\) or delete that entry to retrain it\./);
      expect(hasStackTrace(result.stderr)).toBe(false);
      expect(result.stdout).not.toMatch(/training/);
      expect(readFileSync(file, 'utf8')).toBe(text);
    } finally {
      writeFileSync(file, original);
    }
  });
});

describe('interrupting a store write', () => {
  // RUN_STORE_PAUSE_BEFORE_PUBLISH holds the finished write just before its rename, so
  // the kill lands inside the window where a non-atomic writer would leave half an entry.
  it('kill -9 while publishing: readers see no entry, and the next run cleans up and retrains', async () => {
    rmSync(entry, { recursive: true });
    const hook = mkdtempSync(path.join(tmpdir(), 'pause-'));
    const cli = startCli(root, 'pipeline/cli/train.ts', ['tiny-run', '--store', store], { RUN_STORE_PAUSE_BEFORE_PUBLISH: hook });
    await waitForFile(path.join(hook, 'paused'), cli.finished);
    const tempDir = readFileSync(path.join(hook, 'paused'), 'utf8');
    // Both files are fully written in the temporary directory; the entry itself does not exist.
    expect(readdirSync(tempDir).sort()).toEqual([META_FILE, TENSOR_FILE]);
    expect(status()).toBe('missing');
    cli.signalGroup('SIGKILL');
    expect((await cli.finished).signal).toBe('SIGKILL');
    expect(status()).toBe('missing');
    expect(readdirSync(path.join(store, 'identity'))).toEqual([path.basename(tempDir)]);

    const rerun = await train();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`run store: removed ${tempDir}, left by a build that was killed while writing`);
    expect(status()).toBe('ok');
    expect(readdirSync(path.join(store, 'identity'))).toEqual([hashOf(entry)]);
    expect(readFileSync(path.join(entry, TENSOR_FILE)).equals(reference)).toBe(true);
    rmSync(hook, { recursive: true });
  });

  it('SIGTERM while publishing: the write completes and the entry is sound', async () => {
    rmSync(entry, { recursive: true });
    const hook = mkdtempSync(path.join(tmpdir(), 'pause-'));
    const cli = startCli(root, 'pipeline/cli/train.ts', ['tiny-run', '--store', store], { RUN_STORE_PAUSE_BEFORE_PUBLISH: hook });
    await waitForFile(path.join(hook, 'paused'), cli.finished);
    cli.signalGroup('SIGTERM');
    writeFileSync(path.join(hook, 'resume'), '');
    const result = await cli.finished;
    expect(result.stdout).toMatch(/tiny-run  trained in/);
    expect(result.code, result.stderr).toBe(0);
    expect(status()).toBe('ok');
    expect(readFileSync(path.join(entry, TENSOR_FILE)).equals(reference)).toBe(true);
    expect(readdirSync(path.join(store, 'identity'))).toEqual([hashOf(entry)]);
    rmSync(hook, { recursive: true });
  });
});

describe('removeStaleTemporaries', () => {
  it("removes dead writers' temporaries and keeps live ones and real entries", () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'stale-'));
    const dead = 2 ** 22 + 12345; // above the kernel's pid_max default: never a live process
    mkdirSync(path.join(scratch, 'identity', `.tmp-abc-${dead}`), { recursive: true });
    mkdirSync(path.join(scratch, 'identity', `.tmp-old-abc-${dead}`), { recursive: true });
    mkdirSync(path.join(scratch, 'identity', `.tmp-def-${process.ppid}`), { recursive: true });
    mkdirSync(path.join(scratch, 'identity', 'abc'), { recursive: true });
    mkdirSync(path.join(scratch, 'checkpoints'), { recursive: true });
    writeFileSync(path.join(scratch, 'checkpoints', `abc.safetensors.tmp-${dead}`), 'x');
    writeFileSync(path.join(scratch, 'checkpoints', 'abc.safetensors'), 'x');
    expect(removeStaleTemporaries(scratch).map((p) => path.relative(scratch, p)).sort()).toEqual(
      [`checkpoints/abc.safetensors.tmp-${dead}`, `identity/.tmp-abc-${dead}`, `identity/.tmp-old-abc-${dead}`].sort(),
    );
    expect(readdirSync(path.join(scratch, 'identity')).sort()).toEqual([`.tmp-def-${process.ppid}`, 'abc'].sort());
    expect(readdirSync(path.join(scratch, 'checkpoints'))).toEqual(['abc.safetensors']);
    rmSync(scratch, { recursive: true });
  });
});
