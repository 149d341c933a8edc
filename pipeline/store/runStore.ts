/**
 * The run store: runs/<family>/<hash>/ holds meta.json and tensors.safetensors.
 * Entries appear atomically (written to a temporary directory, then renamed), carry
 * checksums of every file (meta.json checksums itself), and are verified on every
 * read, so a partial, corrupt or hand-edited entry is reported and retrained instead
 * of being used. Checksums alone only prove that files agree with each other, so every
 * read also binds the entry to its hash: the provenance hash is recomputed from
 * meta.json's config, engine and data generator and must be the directory's name, and
 * the tensor file names that hash in its own header. Unfinished runs keep a checkpoint
 * in runs/checkpoints/<hash>.safetensors whose every field (run hash, step, wall time,
 * tensors) is covered by one checksum.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { DataFamily, Experiment, RunConfig } from '../experiments/types.ts';
import type { LoadedRun, RunMeta } from './types.ts';
import { canonicalJson, provenanceHash, sha256, STORE_FORMAT } from './provenance.ts';
import { decodeSafetensors, encodeSafetensors, type Tensor } from './safetensors.ts';
import { DEFAULT_LOSS_POINTS, snapshotSchedule, type TrainState } from '../train/loop.ts';
import { processIsAlive } from './processes.ts';

export const TENSOR_FILE = 'tensors.safetensors';
export const META_FILE = 'meta.json';

export function entryDir(root: string, family: DataFamily, hash: string): string {
  return path.join(root, family, hash);
}

export function checkpointFile(root: string, hash: string): string {
  return path.join(root, 'checkpoints', `${hash}.safetensors`);
}

/**
 * Everything the store writes goes first to a name starting with this prefix (or, for
 * single files, containing it) and ending in the writer's pid; readers never look at
 * such names, and removeStaleTemporaries deletes those whose writer has died.
 */
export const TEMP_MARK = '.tmp-';

export function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file so that readers see either the old content or the new, never a torn one. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}${TEMP_MARK}${process.pid}`;
  try {
    writeFileSync(temp, data);
    fsyncFile(temp);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true }); // a partial file on a full disk only takes the space others need
    throw error;
  }
}

/**
 * Deletes what writers killed mid-write left behind (temporary entry directories and
 * checkpoint files of processes that no longer run). Temporaries of live processes,
 * e.g. a second build on the same store, are left alone. Returns the paths removed.
 */
export function removeStaleTemporaries(root: string): string[] {
  if (!existsSync(root)) return [];
  const removed: string[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const dir = path.join(root, folder.name);
    for (const name of readdirSync(dir)) {
      const match = /\.tmp-(?:.*-)?(\d+)$/.exec(name); // TEMP_MARK, then the writer's pid
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || processIsAlive(pid)) continue;
      try {
        rmSync(path.join(dir, name), { recursive: true, force: true });
      } catch {
        continue; // a read-only store: harmless, readers never look at temporaries
      }
      removed.push(path.join(dir, name));
    }
  }
  return removed;
}

/**
 * Test hook: with RUN_STORE_PAUSE_BEFORE_PUBLISH=<dir> set, a finished entry waits just
 * before it is renamed into place (after writing <dir>/paused) until <dir>/resume exists,
 * so tests can signal or kill the writer inside that window. Unset, it does nothing.
 */
export function pauseBeforePublish(tempDir: string): void {
  const dir = process.env.RUN_STORE_PAUSE_BEFORE_PUBLISH;
  if (!dir) return;
  writeFileAtomic(path.join(dir, 'paused'), tempDir);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(path.join(dir, 'resume'))) Atomics.wait(sleeper, 0, 0, 20);
}

/** meta.json stores a checksum of its own canonical content, so hand edits are caught. */
function metaChecksum(meta: Omit<RunMeta, 'metaChecksum'>): string {
  return sha256(canonicalJson(meta));
}

export type StoredMeta = RunMeta & { metaChecksum: string };

export type EntryStatus =
  | { kind: 'ok'; meta: StoredMeta; tensors: Record<string, Tensor> }
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string }
  | { kind: 'newer-format'; format: number };

export function readEntry(root: string, family: DataFamily, hash: string): EntryStatus {
  const dir = entryDir(root, family, hash);
  const metaPath = path.join(dir, META_FILE);
  if (!existsSync(dir)) return { kind: 'missing' };
  if (!statSync(dir).isDirectory()) return { kind: 'corrupt', reason: `${dir} is a file, not an entry folder` };
  if (!existsSync(metaPath)) return { kind: 'corrupt', reason: `${metaPath} is missing` };
  let text: string;
  try {
    text = readFileSync(metaPath, 'utf8');
  } catch (error) {
    return { kind: 'corrupt', reason: `${metaPath} cannot be read (${(error as Error).message})` };
  }
  let meta: StoredMeta;
  try {
    meta = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt', reason: `${metaPath} is not valid JSON (${(error as Error).message})` };
  }
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return { kind: 'corrupt', reason: `${metaPath} does not hold an object` };
  if (typeof meta.storeFormat === 'number' && meta.storeFormat > STORE_FORMAT) return { kind: 'newer-format', format: meta.storeFormat };
  const { metaChecksum: recorded, ...rest } = meta;
  if (recorded !== metaChecksum(rest)) return { kind: 'corrupt', reason: `${metaPath} does not match its checksum (edited by hand?)` };
  if (meta.hash !== hash) return { kind: 'corrupt', reason: `${metaPath} names hash ${meta.hash}, not its directory's ${hash}` };
  // The checksum is only as good as whoever last recomputed it: the entry's identity is
  // what its config, engine and data generator hash to.
  const recomputed = provenanceHash({ config: meta.config, engineSourceHash: meta.engine?.sourceHash, dataGeneratorHash: meta.dataGeneratorHash });
  if (recomputed !== hash || meta.engine?.id !== meta.config?.engine) {
    return { kind: 'corrupt', reason: `${metaPath}: its config, engine and data generator hash to ${recomputed}, not its directory's ${hash} (edited, or copied from another run)` };
  }
  const tensorPath = path.join(dir, TENSOR_FILE);
  if (!existsSync(tensorPath)) return { kind: 'corrupt', reason: `${tensorPath} is missing` };
  let bytes: Buffer;
  try {
    bytes = readFileSync(tensorPath);
  } catch (error) {
    return { kind: 'corrupt', reason: `${tensorPath} cannot be read (${(error as Error).message})` };
  }
  if (sha256(bytes) !== meta.files?.[TENSOR_FILE]) return { kind: 'corrupt', reason: `${tensorPath} does not match the checksum in meta.json (truncated or modified)` };
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (error) {
    return { kind: 'corrupt', reason: `${tensorPath} is not a readable safetensors file (${(error as Error).message})` };
  }
  if (decoded.metadata.hash !== hash) return { kind: 'corrupt', reason: `${tensorPath} belongs to run ${decoded.metadata.hash ?? '(none named)'}, not ${hash} (copied from another run)` };
  const shapes = runTensorProblem(decoded.tensors, meta.config.m, meta.config.data.n);
  if (shapes) return { kind: 'corrupt', reason: `${tensorPath}: ${shapes}` };
  const record = recordProblem(decoded.tensors, meta.config, meta.config.steps, true);
  if (record) return { kind: 'corrupt', reason: `${tensorPath}: ${record}` };
  if (meta.steps !== meta.config.steps) return { kind: 'corrupt', reason: `${metaPath} says ${meta.steps} steps were trained, not the config's ${meta.config.steps}` };
  const losses = decoded.tensors.loss.data;
  if (!Object.is(meta.finalLoss, losses[losses.length - 1])) {
    return { kind: 'corrupt', reason: `${metaPath}: finalLoss ${meta.finalLoss} is not the last loss recorded in ${TENSOR_FILE} (${losses[losses.length - 1]})` };
  }
  return { kind: 'ok', meta, tensors: decoded.tensors };
}

const shapeText = (tensor: Tensor | undefined) => (tensor ? `[${tensor.shape.join(', ')}] (${tensor.data.length} values)` : 'missing');

/** The dtype each tensor is written with (runTensors, writeCheckpoint); anything else is not this code's. */
const DTYPES: Record<string, string> = {
  W: 'Float32Array',
  b: 'Float32Array',
  snapshots_W: 'Float32Array',
  snapshots_b: 'Float32Array',
  adam_W_m: 'Float32Array',
  adam_W_v: 'Float32Array',
  adam_b_m: 'Float32Array',
  adam_b_v: 'Float32Array',
  loss_steps: 'Float64Array',
  loss: 'Float64Array',
  snapshot_steps: 'Float64Array',
};
const DTYPE_NAMES: Record<string, string> = { Float32Array: 'F32', Float64Array: 'F64', Int32Array: 'I32' };

/**
 * The steps before `step` at which the loop records the loss (loop.ts: isLossRecorded),
 * in order, listed without visiting every step: stream runs train millions of steps, and
 * testing each one made reading the store take seconds.
 */
export function lossStepsBefore(step: number, totalSteps: number, points = DEFAULT_LOSS_POINTS): number[] {
  const steps: number[] = [];
  if (points === 0) return steps;
  for (let t = 0; t < Math.min(step, 100); t++) steps.push(t);
  // After the first 100, every multiple of the spacing (NaN spacing: none, as isLossRecorded).
  const spacing = Math.max(1, Math.ceil(totalSteps / points));
  for (let t = Math.ceil(100 / spacing) * spacing; t < step; t += spacing) steps.push(t);
  return steps;
}

/**
 * Why the recorded history cannot be what training `config` to step `step` wrote, or null:
 * every value finite, and the loss and snapshot steps exactly those the training loop
 * records up to that step (lossStepsBefore, loop.ts's snapshotSchedule), the final ones
 * included when `finished`. Catches a checkpoint or entry whose step was edited.
 */
function recordProblem(tensors: Record<string, Tensor>, config: RunConfig, step: number, finished: boolean): string | null {
  for (const [name, tensor] of Object.entries(tensors)) {
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) return `tensor "${name}" holds ${data[i]} at index ${i}; a stored run holds only finite numbers`;
    }
  }
  const expectedLoss = lossStepsBefore(step, config.steps, config.lossPoints);
  if (finished) expectedLoss.push(step);
  const snapshots = snapshotSchedule(config.snapshots, config.steps).filter((t) => t < step || (finished && t === step));
  const same = (data: ArrayLike<number>, expected: number[]) => data.length === expected.length && expected.every((value, i) => data[i] === value);
  const at = finished ? 'a finished run' : `a run checkpointed at step ${step}`;
  if (!same(tensors.loss_steps.data, expectedLoss)) return `its loss is recorded at ${tensors.loss_steps.data.length} steps, not at the ${expectedLoss.length} steps ${at} of ${config.steps} records (edited step?)`;
  if (!same(tensors.snapshot_steps.data, snapshots)) return `its snapshots are at steps [${Array.from(tensors.snapshot_steps.data).join(', ')}], not at [${snapshots.join(', ')}] as for ${at} of ${config.steps} (edited step?)`;
  return null;
}

/** Why the tensors cannot be this config's run (a missing tensor, a wrong dtype or shape), or null. */
function runTensorProblem(tensors: Record<string, Tensor>, m: number, n: number, extra: Record<string, number[]> = {}): string | null {
  for (const [name, tensor] of Object.entries(tensors)) {
    const dtype = tensor.data.constructor.name;
    if (DTYPES[name] !== undefined && dtype !== DTYPES[name]) return `tensor "${name}" is ${DTYPE_NAMES[dtype] ?? dtype}, not ${DTYPE_NAMES[DTYPES[name]]} as this code writes it`;
  }
  const k = tensors.snapshot_steps?.data.length ?? -1;
  const points = tensors.loss_steps?.data.length ?? -1;
  const expected: Record<string, number[]> = {
    W: [m, n],
    b: [n],
    loss_steps: [points],
    loss: [points],
    snapshot_steps: [k],
    snapshots_W: [k, m, n],
    snapshots_b: [k, n],
    ...extra,
  };
  for (const [name, shape] of Object.entries(expected)) {
    const tensor = tensors[name];
    const size = shape.reduce((a, b) => a * b, 1);
    if (!tensor || tensor.shape.join() !== shape.join() || tensor.data.length !== size) {
      return `tensor "${name}" is ${shapeText(tensor)}, not [${shape.join(', ')}] as a run with m = ${m}, n = ${n} requires`;
    }
  }
  return null;
}

/** Tensors of a finished run: final parameters, the loss curve and the snapshots. */
export function runTensors(state: TrainState): Record<string, Tensor> {
  const { m, n } = state.params;
  const k = state.snapshotSteps.length;
  const stack = (arrays: Float32Array[], size: number) => {
    const out = new Float32Array(arrays.length * size);
    arrays.forEach((a, i) => out.set(a, i * size));
    return out;
  };
  return {
    W: { data: state.params.W, shape: [m, n] },
    b: { data: state.params.b, shape: [n] },
    loss_steps: { data: Float64Array.from(state.lossSteps), shape: [state.lossSteps.length] },
    loss: { data: Float64Array.from(state.loss), shape: [state.loss.length] },
    snapshot_steps: { data: Float64Array.from(state.snapshotSteps), shape: [k] },
    snapshots_W: { data: stack(state.snapshotsW, m * n), shape: [k, m, n] },
    snapshots_b: { data: stack(state.snapshotsB, n), shape: [k, n] },
  };
}

/**
 * Publishes a finished run. Everything is written into a temporary sibling directory
 * first and renamed into place, so no reader can see a partial entry; if another
 * process published the same hash meanwhile, its (identical) entry is kept.
 */
export function writeEntry(root: string, meta: Omit<RunMeta, 'files'>, tensors: Record<string, Tensor>): StoredMeta {
  const family = meta.config.data.family;
  const finalDir = entryDir(root, family, meta.hash);
  const tempDir = path.join(root, family, `${TEMP_MARK}${meta.hash}-${process.pid}`);
  rmSync(tempDir, { recursive: true, force: true });
  mkdirSync(tempDir, { recursive: true });
  try {
    const tensorBytes = encodeSafetensors(tensors, { hash: meta.hash });
    writeFileSync(path.join(tempDir, TENSOR_FILE), tensorBytes);
    const full: RunMeta = { ...meta, files: { [TENSOR_FILE]: sha256(tensorBytes) } };
    const stored: StoredMeta = { ...full, metaChecksum: metaChecksum(full) };
    writeFileSync(path.join(tempDir, META_FILE), `${JSON.stringify(stored, null, 2)}\n`);
    // On disk before the rename makes them visible, so a crash cannot publish empty files.
    fsyncFile(path.join(tempDir, TENSOR_FILE));
    fsyncFile(path.join(tempDir, META_FILE));
    pauseBeforePublish(tempDir);
    if (existsSync(finalDir)) {
      if (readEntry(root, family, meta.hash).kind === 'ok') return readMetaOrThrow(root, family, meta.hash);
      // rename cannot replace a non-empty directory, and deleting in place would expose a
      // half-deleted entry: move the corrupt one aside in one step, then delete it.
      const aside = path.join(root, family, `${TEMP_MARK}old-${meta.hash}-${process.pid}`);
      try {
        renameSync(finalDir, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // another build moved it first
      }
      rmSync(aside, { recursive: true, force: true });
    }
    try {
      renameSync(tempDir, finalDir);
    } catch (error) {
      // Lost a race with another build publishing the same run: keep theirs if it is sound.
      if (readEntry(root, family, meta.hash).kind === 'ok') return readMetaOrThrow(root, family, meta.hash);
      throw error;
    }
    return stored;
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

function readMetaOrThrow(root: string, family: DataFamily, hash: string): StoredMeta {
  const status = readEntry(root, family, hash);
  if (status.kind !== 'ok') throw new Error(`run store: entry ${family}/${hash} is ${status.kind}`);
  return status.meta;
}

/** Loads a verified run for figures; throws with the reason when it is not usable. */
export function loadRun(root: string, experiment: Experiment, hash: string): LoadedRun {
  const status = readEntry(root, experiment.data.family, hash);
  if (status.kind !== 'ok') {
    const why = status.kind === 'corrupt' ? status.reason : status.kind;
    throw new Error(`run store: run "${experiment.id}" (${experiment.data.family}/${hash}) is not usable: ${why}. Run \`npm run pipeline\` to (re)train it.`);
  }
  const t = status.tensors;
  const { m } = experiment;
  const n = experiment.data.n;
  const k = t.snapshot_steps.data.length;
  const slices = (data: Float32Array, size: number) => Array.from({ length: k }, (_, i) => data.slice(i * size, (i + 1) * size));
  return {
    experiment,
    hash,
    meta: status.meta,
    W: t.W.data as Float32Array,
    b: t.b.data as Float32Array,
    lossSteps: t.loss_steps.data as Float64Array,
    loss: t.loss.data as Float64Array,
    snapshotSteps: t.snapshot_steps.data as Float64Array,
    snapshotsW: slices(t.snapshots_W.data as Float32Array, m * n),
    snapshotsB: slices(t.snapshots_b.data as Float32Array, n),
  };
}

/**
 * loadRun for a pass that reads the same runs many times (the figures and tables of a post
 * share most of their runs): each run is read and verified once per loader.
 */
export function runLoader(root: string, experimentOf: (id: string) => Experiment, hashOf: (id: string) => string): (id: string) => LoadedRun {
  const loaded = new Map<string, LoadedRun>();
  return (id) => {
    let run = loaded.get(id);
    if (!run) loaded.set(id, (run = loadRun(root, experimentOf(id), hashOf(id))));
    return run;
  };
}

// ---- checkpoints of unfinished runs ----

/** What a finished run needs besides its tensors to be published (kept when publishing failed). */
export interface FinishedRun {
  finalLoss: number;
  testLoss: number | null;
  backend: string;
  threads: number;
}

export type CheckpointStatus =
  | { kind: 'ok'; state: TrainState; finished: FinishedRun | null }
  | { kind: 'missing' }
  | { kind: 'corrupt'; reason: string };

/** One checksum over every field of a checkpoint: its metadata and the sha256 of its tensors. */
function checkpointChecksum(fields: Record<string, string>, body: Uint8Array): string {
  return sha256(canonicalJson({ ...fields, body: sha256(body) }));
}

/**
 * Saves the state of an unfinished run, or, with `finished`, of a finished run whose
 * publication failed, so that the next build publishes it without training again.
 */
export function writeCheckpoint(root: string, hash: string, state: TrainState, finished: FinishedRun | null = null): void {
  const tensors: Record<string, Tensor> = {
    ...runTensors(state),
    adam_W_m: { data: state.adamW.m, shape: [state.adamW.m.length] },
    adam_W_v: { data: state.adamW.v, shape: [state.adamW.v.length] },
    adam_b_m: { data: state.adamB.m, shape: [state.adamB.m.length] },
    adam_b_v: { data: state.adamB.v, shape: [state.adamB.v.length] },
  };
  const fields: Record<string, string> = { hash, step: String(state.step), wallSeconds: String(state.wallSeconds) };
  if (finished) fields.finished = JSON.stringify(finished);
  const checksum = checkpointChecksum(fields, encodeSafetensors(tensors));
  writeFileAtomic(checkpointFile(root, hash), encodeSafetensors(tensors, { ...fields, checksum }));
}

/**
 * The saved state of run `hash`: missing, corrupt (with the reason; never to be resumed:
 * it does not verify, belongs to another run, or does not fit `config`) or sound.
 */
export function checkpointStatus(root: string, hash: string, config?: RunConfig): CheckpointStatus {
  const file = checkpointFile(root, hash);
  if (!existsSync(file)) return { kind: 'missing' };
  const corrupt = (why: string): CheckpointStatus => ({ kind: 'corrupt', reason: `${file} ${why}` });
  let t: Record<string, Tensor>;
  let metadata: Record<string, string>;
  try {
    ({ tensors: t, metadata } = decodeSafetensors(readFileSync(file)));
  } catch (error) {
    return corrupt(`is not a readable checkpoint (${(error as Error).message})`);
  }
  const { checksum, ...fields } = metadata;
  if (checksum !== checkpointChecksum(fields, encodeSafetensors(t))) return corrupt('does not match its checksum (truncated, modified, or written by older code)');
  if (fields.hash !== hash) return corrupt(`belongs to run ${fields.hash}, not ${hash}`);
  const step = Number(fields.step);
  const steps = config?.steps ?? Infinity;
  if (!Number.isSafeInteger(step) || step < 0 || step > steps) return corrupt(`is at step ${fields.step}, outside the run's 0…${steps}`);
  const [m, n] = config ? [config.m, config.data.n] : (t.W?.shape ?? []);
  const shapes = runTensorProblem(t, m, n, { adam_W_m: [m * n], adam_W_v: [m * n], adam_b_m: [n], adam_b_v: [n] });
  if (shapes) return corrupt(`does not fit the run: ${shapes}`);
  let finished: FinishedRun | null = null;
  if (fields.finished !== undefined) {
    try {
      finished = JSON.parse(fields.finished) as FinishedRun;
    } catch {
      return corrupt('has an unreadable "finished" field');
    }
    if (config && step !== config.steps) return corrupt(`says the run finished at step ${step} of ${config.steps}`);
    const losses = t.loss?.data ?? [];
    if (typeof finished?.finalLoss !== 'number' || !Object.is(finished.finalLoss, losses[losses.length - 1])) {
      return corrupt(`says the run finished with loss ${finished?.finalLoss}, which is not the last loss it recorded`);
    }
  }
  if (config) {
    const record = recordProblem(t, config, step, finished !== null);
    if (record) return corrupt(`does not fit the run at step ${step}: ${record}`);
  }
  const k = t.snapshot_steps.data.length;
  const sW = t.snapshots_W.data as Float32Array;
  const sB = t.snapshots_b.data as Float32Array;
  const state: TrainState = {
    step,
    params: { m, n, W: t.W.data as Float32Array, b: t.b.data as Float32Array },
    adamW: { m: t.adam_W_m.data as Float32Array, v: t.adam_W_v.data as Float32Array },
    adamB: { m: t.adam_b_m.data as Float32Array, v: t.adam_b_v.data as Float32Array },
    lossSteps: Array.from(t.loss_steps.data),
    loss: Array.from(t.loss.data),
    snapshotSteps: Array.from(t.snapshot_steps.data),
    snapshotsW: Array.from({ length: k }, (_, i) => sW.slice(i * m * n, (i + 1) * m * n)),
    snapshotsB: Array.from({ length: k }, (_, i) => sB.slice(i * n, (i + 1) * n)),
    wallSeconds: Number(fields.wallSeconds),
  };
  return { kind: 'ok', state, finished };
}

/** The saved state of an unfinished run, or null if there is none or it fails verification. */
export function readCheckpoint(root: string, hash: string, config?: RunConfig): TrainState | null {
  const status = checkpointStatus(root, hash, config);
  return status.kind === 'ok' ? status.state : null;
}

export function clearCheckpoint(root: string, hash: string): void {
  rmSync(checkpointFile(root, hash), { force: true, recursive: true }); // recursive: even a folder in its place
}
