import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../pipeline/store/safetensors.ts';
import { checkpointFile, checkpointStatus, clearCheckpoint, entryDir, lossStepsBefore, readCheckpoint, readEntry, runTensors, writeCheckpoint, writeEntry, META_FILE, TENSOR_FILE } from '../../pipeline/store/runStore.ts';
import { initialState, isLossRecorded } from '../../pipeline/train/loop.ts';
import { canonicalJson, provenanceHash, sha256, STORE_FORMAT } from '../../pipeline/store/provenance.ts';
import type { RunConfig } from '../../pipeline/experiments/types.ts';
import type { RunMeta } from '../../pipeline/store/types.ts';

const config: RunConfig = {
  data: { family: 'identity', n: 5 },
  m: 2,
  bias: true,
  steps: 10,
  schedule: { kind: 'constant', lr: 1e-2 },
  weightDecay: 0,
  seed: 3,
  engine: 'fused',
  snapshots: 2,
};

function sampleState() {
  const state = initialState(config);
  state.step = 10;
  state.params.b.set([0.5, -1, 2, 0, 1e-30]);
  // What training records (loop.ts): every step of the first 100, then the final loss;
  // the store refuses any other history (runStore.ts).
  state.lossSteps = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  state.loss = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25];
  state.snapshotSteps = [0, 10];
  state.snapshotsW = [state.params.W.slice(), state.params.W.map((v) => v * 2)];
  state.snapshotsB = [new Float32Array(5), state.params.b.slice()];
  state.adamW.m.fill(0.125);
  state.adamB.v.fill(3);
  state.wallSeconds = 1.5;
  return state;
}

/** The provenance hash of `c` under the sample engine and data-generator hashes. */
const hashOf = (c: RunConfig) => provenanceHash({ config: c, engineSourceHash: 'x', dataGeneratorHash: 'y' });
const HASH = hashOf(config);

function sampleMeta(hash = HASH, c: RunConfig = config): Omit<RunMeta, 'files'> {
  return {
    storeFormat: STORE_FORMAT,
    hash,
    config: c,
    labels: ['sample'],
    engine: { id: 'fused', sourceHash: 'x', backend: 'js-float64', threads: 1 },
    dataGeneratorHash: 'y',
    versions: { node: process.version },
    steps: 10,
    wallSeconds: 1.5,
    finalLoss: 0.25,
    testLoss: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const tempRoot = () => mkdtempSync(path.join(tmpdir(), 'store-'));
const bitwise = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('safetensors', () => {
  it('round-trips tensors bit for bit, with metadata, and 8-byte aligned data', () => {
    const W = new Float32Array([1.5, -0, Number.MIN_VALUE, 3.4e38, NaN, 1 / 3]);
    const steps = new Float64Array([0, 1e-300, 2 ** 53]);
    const bytes = encodeSafetensors({ W: { data: W, shape: [2, 3] }, steps: { data: steps, shape: [3] } }, { note: 'hi' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ note: 'hi' });
    expect(tensors.W.shape).toEqual([2, 3]);
    expect(bitwise(tensors.W.data, W)).toBe(true);
    expect(bitwise(tensors.steps.data, steps)).toBe(true);
  });

  it('writes the header layout other readers expect', () => {
    const bytes = encodeSafetensors({ a: { data: new Float32Array([1, 2]), shape: [2] } });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString());
    expect(header).toEqual({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => encodeSafetensors({ a: { data: new Float32Array(3), shape: [2] } })).toThrow(/shape/);
  });
});

describe('the loss steps a stored run must record', () => {
  it('are exactly the steps the training loop records, listed without testing each step', () => {
    const totals = [0, 1, 7, 99, 100, 101, 999, 1_000, 1_001, 2_500, 12_345, 50_000, -5, 1.5, NaN, Infinity];
    const pointCounts = [undefined, 0, 1, 3, 100, 1_000, 2_000, 100_000, -2, NaN, Infinity];
    for (const total of totals) {
      for (const points of pointCounts) {
        for (const step of [0, 1, 50, 100, 101, 150, 1_000, 3_000, 12_345, 50_000, 50_001]) {
          const expected: number[] = [];
          for (let t = 0; t < step; t++) if (isLossRecorded(t, total, points)) expected.push(t);
          expect(lossStepsBefore(step, total, points), `step ${step}, total ${total}, points ${points}`).toEqual(expected);
        }
      }
    }
  });
});

describe('run store entries', () => {
  it('round-trip: what is written is read back verified and bitwise equal', () => {
    const root = tempRoot();
    const state = sampleState();
    writeEntry(root, sampleMeta(), runTensors(state));
    const status = readEntry(root, 'identity', HASH);
    expect(status.kind).toBe('ok');
    if (status.kind !== 'ok') return;
    expect(bitwise(status.tensors.W.data, state.params.W)).toBe(true);
    expect(bitwise(status.tensors.b.data, state.params.b)).toBe(true);
    expect(status.tensors.snapshots_W.shape).toEqual([2, 2, 5]);
    expect(status.meta.finalLoss).toBe(0.25);
    // Nothing but the entry is left behind (no temporary directories).
    expect(readdirSync(path.join(root, 'identity'))).toEqual([HASH]);
  });

  it('reports a missing entry as missing', () => {
    expect(readEntry(tempRoot(), 'identity', 'nope').kind).toBe('missing');
  });

  it('detects a truncated tensor file', () => {
    const root = tempRoot();
    writeEntry(root, sampleMeta(), runTensors(sampleState()));
    const file = path.join(entryDir(root, 'identity', HASH), TENSOR_FILE);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 4));
    const status = readEntry(root, 'identity', HASH);
    expect(status.kind).toBe('corrupt');
    expect(status.kind === 'corrupt' && status.reason).toMatch(/tensors\.safetensors does not match the checksum/);
  });

  it('detects a flipped bit in a tensor', () => {
    const root = tempRoot();
    writeEntry(root, sampleMeta(), runTensors(sampleState()));
    const file = path.join(entryDir(root, 'identity', HASH), TENSOR_FILE);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    expect(readEntry(root, 'identity', HASH).kind).toBe('corrupt');
  });

  it('detects a hand-edited meta.json', () => {
    const root = tempRoot();
    writeEntry(root, sampleMeta(), runTensors(sampleState()));
    const file = path.join(entryDir(root, 'identity', HASH), META_FILE);
    const meta = JSON.parse(readFileSync(file, 'utf8'));
    meta.finalLoss = 0.001;
    writeFileSync(file, JSON.stringify(meta));
    const status = readEntry(root, 'identity', HASH);
    expect(status.kind === 'corrupt' && status.reason).toMatch(/meta\.json does not match its checksum/);
  });

  it('refuses an entry written by a newer store format', () => {
    const root = tempRoot();
    writeEntry(root, { ...sampleMeta(), storeFormat: STORE_FORMAT + 1 }, runTensors(sampleState()));
    expect(readEntry(root, 'identity', HASH)).toEqual({ kind: 'newer-format', format: STORE_FORMAT + 1 });
  });

  /** Rewrites meta.json with `edit` applied and its checksum recomputed, as a careful forger would. */
  function rewriteMeta(root: string, edit: (meta: Record<string, unknown>) => void): void {
    const file = path.join(entryDir(root, 'identity', HASH), META_FILE);
    const { metaChecksum: _old, ...meta } = JSON.parse(readFileSync(file, 'utf8'));
    edit(meta);
    writeFileSync(file, JSON.stringify({ ...meta, metaChecksum: sha256(canonicalJson(meta)) }));
  }

  it('binds meta.json to its hash: an edited config with a recomputed checksum is corrupt', () => {
    const root = tempRoot();
    writeEntry(root, sampleMeta(), runTensors(sampleState()));
    rewriteMeta(root, (meta) => ((meta.config as RunConfig).steps = 11));
    const status = readEntry(root, 'identity', HASH);
    expect(status.kind === 'corrupt' && status.reason).toMatch(/meta\.json: its config, engine and data generator hash to [0-9a-f]{64}, not its directory's [0-9a-f]{64} \(edited, or copied from another run\)/);
    // So is a changed engine source or data generator hash.
    writeEntry(root, sampleMeta(), runTensors(sampleState()));
    rewriteMeta(root, (meta) => (meta.dataGeneratorHash = 'z'));
    expect(readEntry(root, 'identity', HASH).kind).toBe('corrupt');
  });

  it("binds the tensor file to its hash: another run's tensors with matching checksums are corrupt", () => {
    const root = tempRoot();
    const other = { ...config, seed: 4 };
    writeEntry(root, sampleMeta(), runTensors(sampleState()));
    writeEntry(root, sampleMeta(hashOf(other), other), runTensors(sampleState()));
    const foreign = readFileSync(path.join(entryDir(root, 'identity', hashOf(other)), TENSOR_FILE));
    writeFileSync(path.join(entryDir(root, 'identity', HASH), TENSOR_FILE), foreign);
    rewriteMeta(root, (meta) => (meta.files = { [TENSOR_FILE]: sha256(foreign) }));
    const status = readEntry(root, 'identity', HASH);
    expect(status.kind === 'corrupt' && status.reason).toMatch(new RegExp(`tensors\\.safetensors belongs to run ${hashOf(other)}, not ${HASH} \\(copied from another run\\)`));
  });

  it("checks the tensors' shapes against the config", () => {
    const root = tempRoot();
    const state = sampleState();
    const tensors = runTensors(state);
    writeEntry(root, sampleMeta(), { ...tensors, b: { data: new Float32Array(4), shape: [4] } });
    const status = readEntry(root, 'identity', HASH);
    expect(status.kind === 'corrupt' && status.reason).toMatch(/tensor "b" is \[4\] \(4 values\), not \[5\] as a run with m = 2, n = 5 requires/);
  });

  it('replaces a corrupt entry when the run is written again', () => {
    const root = tempRoot();
    writeEntry(root, sampleMeta(), runTensors(sampleState()));
    writeFileSync(path.join(entryDir(root, 'identity', HASH), TENSOR_FILE), 'garbage');
    writeEntry(root, sampleMeta(), runTensors(sampleState()));
    expect(readEntry(root, 'identity', HASH).kind).toBe('ok');
  });
});

describe('checkpoints', () => {
  it('round-trip the whole training state bitwise', () => {
    const root = tempRoot();
    // Mid-training, as a checkpoint is: what the loop has recorded before step 6.
    const state = sampleState();
    state.step = 6;
    state.lossSteps = state.lossSteps.slice(0, 6);
    state.loss = state.loss.slice(0, 6);
    state.snapshotSteps = [0];
    state.snapshotsW = state.snapshotsW.slice(0, 1);
    state.snapshotsB = state.snapshotsB.slice(0, 1);
    writeCheckpoint(root, HASH, state);
    const back = readCheckpoint(root, HASH, config)!;
    expect(back.step).toBe(6);
    expect(back.wallSeconds).toBe(1.5);
    expect(bitwise(back.params.W, state.params.W)).toBe(true);
    expect(bitwise(back.params.b, state.params.b)).toBe(true);
    expect(bitwise(back.adamW.m, state.adamW.m)).toBe(true);
    expect(bitwise(back.adamB.v, state.adamB.v)).toBe(true);
    expect(back.loss).toEqual(state.loss);
    expect(back.snapshotsW.map((s) => Array.from(s))).toEqual(state.snapshotsW.map((s) => Array.from(s)));
    clearCheckpoint(root, HASH);
    expect(readCheckpoint(root, HASH, config)).toBeNull();
  });

  it('ignores a corrupt checkpoint instead of resuming from it', () => {
    const root = tempRoot();
    writeCheckpoint(root, 'abc', sampleState());
    const file = path.join(root, 'checkpoints', 'abc.safetensors');
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(file, bytes);
    expect(readCheckpoint(root, 'abc')).toBeNull();
    expect(existsSync(file)).toBe(true);
  });
});

describe('checkpoints are bound to their run', () => {
  /** Re-encodes a checkpoint with `edit` applied to its header metadata (tensors unchanged). */
  function editCheckpoint(root: string, hash: string, edit: (metadata: Record<string, string>) => void): void {
    const file = checkpointFile(root, hash);
    const { tensors, metadata } = decodeSafetensors(readFileSync(file));
    edit(metadata);
    writeFileSync(file, encodeSafetensors(tensors, metadata));
  }

  it('covers the run hash and step by its checksum: edited, another run cannot resume it', () => {
    const root = tempRoot();
    const other = hashOf({ ...config, seed: 4 });
    writeCheckpoint(root, HASH, sampleState());
    // Renamed to the other run and its hash field edited to match: the checksum catches it.
    writeFileSync(checkpointFile(root, other), readFileSync(checkpointFile(root, HASH)));
    editCheckpoint(root, other, (metadata) => (metadata.hash = other));
    const status = checkpointStatus(root, other, { ...config, seed: 4 });
    expect(status.kind === 'corrupt' && status.reason).toMatch(/does not match its checksum/);
    // Copied without editing, it names the run it belongs to.
    writeFileSync(checkpointFile(root, other), readFileSync(checkpointFile(root, HASH)));
    const copied = checkpointStatus(root, other, { ...config, seed: 4 });
    expect(copied.kind === 'corrupt' && copied.reason).toMatch(new RegExp(`belongs to run ${HASH}, not ${other}`));
    // An edited step or wall time is caught too.
    for (const field of ['step', 'wallSeconds']) {
      writeCheckpoint(root, HASH, sampleState());
      editCheckpoint(root, HASH, (metadata) => (metadata[field] = '3'));
      expect(checkpointStatus(root, HASH, config).kind).toBe('corrupt');
    }
  });

  it('must fit the run it resumes', () => {
    const root = tempRoot();
    writeCheckpoint(root, HASH, sampleState());
    const wider = { ...config, data: { family: 'identity' as const, n: 6 } };
    const status = checkpointStatus(root, HASH, wider);
    expect(status.kind === 'corrupt' && status.reason).toMatch(/does not fit the run: tensor "W" is \[2, 5\]/);
    const shorter = checkpointStatus(root, HASH, { ...config, steps: 5 });
    expect(shorter.kind === 'corrupt' && shorter.reason).toMatch(/is at step 10, outside the run's 0…5/);
  });

  it('keeps a finished run (publication failed) with what publishing it needs', () => {
    const root = tempRoot();
    const finished = { finalLoss: 0.25, testLoss: null, backend: 'wasm', threads: 2 };
    writeCheckpoint(root, HASH, sampleState(), finished);
    const status = checkpointStatus(root, HASH, config);
    expect(status.kind === 'ok' && status.finished).toEqual(finished);
  });
});
