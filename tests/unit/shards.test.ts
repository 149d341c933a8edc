/**
 * Sweeps over many processes, for real: small test experiments in a scratch copy are
 * trained by three `--shard i/3` processes at once into separate stores, merged with
 * `npm run store -- merge`, and compared file by file with one process training them
 * one at a time (which also holds the worker pool to the main thread, bit for bit).
 * A corrupted or conflicting shard entry is refused with one line; a merge killed with
 * SIGKILL in the middle of publishing leaves a store of sound entries, and merging
 * again completes it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addExperiments, copyRepo, hasStackTrace, removeCopy, runCli, startCli, waitForFile, type Finished } from '../fixtures/repoCopy.ts';
import { listEntries } from '../../pipeline/store/prune.ts';
import { META_FILE, readEntry, TENSOR_FILE } from '../../pipeline/store/runStore.ts';
import { canonicalJson, sha256 } from '../../pipeline/store/provenance.ts';
import { estimatedCost, shardOf, usesEveryCore } from '../../pipeline/stages/cost.ts';

/** Fourteen quick runs of different sizes (so the shards differ in count but not much in cost). */
const SWEEP = `Array.from({ length: 14 }, (_, k) => ({
  id: 'sweep-' + k,
  data: k % 5 === 4 ? { family: 'sparse', n: 40, S: 0.8, T: 60 } : { family: 'identity', n: 3 + (k % 6) },
  m: 2, bias: true, steps: 400 + 300 * (k % 4), schedule: { kind: 'constant', lr: 1e-2 }, weightDecay: 1e-3, seed: k, engine: 'fused', snapshots: 2,
}))`;

let root: string;
const at = (name: string) => path.join(root, name);
const train = (args: string[]) => runCli(root, 'pipeline/cli/train.ts', ['fixture', ...args]);
const merge = (args: string[], env: Record<string, string> = {}) => runCli(root, 'pipeline/cli/store.ts', ['merge', ...args], env);
const ok = (result: Finished) => expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);

/** meta.json without what records when, for how long and on how many threads a run trained. */
function stableMeta(file: string): unknown {
  const { wallSeconds: _w, createdAt: _c, metaChecksum: _m, engine, ...rest } = JSON.parse(readFileSync(file, 'utf8'));
  const { threads: _t, ...engineRest } = engine;
  return { ...rest, engine: engineRest };
}

/** Every file of a store's entries, relative path → bytes (meta.json: its stable part). */
function storeFiles(store: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of listEntries(store)) {
    for (const name of readdirSync(entry.dir).sort()) {
      const file = path.join(entry.dir, name);
      files.set(path.relative(store, file), name === META_FILE ? JSON.stringify(stableMeta(file)) : sha256(readFileSync(file)));
    }
  }
  return files;
}

beforeAll(async () => {
  root = copyRepo();
  addExperiments(root, SWEEP);
  // The reference: one process, one run at a time in its main thread.
  ok(await train(['--store', at('reference'), '--jobs', '1']));
});
afterAll(() => removeCopy(root));

describe.sequential('sharded training and merging', () => {
  it('the worker pool stores the same bytes as training one run at a time', async () => {
    const pooled = await train(['--store', at('pooled'), '--jobs', '2']);
    ok(pooled);
    expect(pooled.stdout).toContain('fixture/spine: 14 runs — 0 cached, 14 trained');
    expect(pooled.stdout).toContain('(2 at a time)');
    const reference = storeFiles(at('reference'));
    expect(reference.size).toBe(28);
    expect(storeFiles(at('pooled'))).toEqual(reference);
  });

  it('three shard processes at once, merged, equal the single-process build file by file', async () => {
    const shards = await Promise.all([1, 2, 3].map((i) => train(['--shard', `${i}/3`, '--store', at(`shard-${i}`)])));
    shards.forEach(ok);
    const counts = shards.map((shard) => Number(/shard \d\/3: (\d+) of the 14 runs missing from runs\//.exec(shard.stdout)?.[1]));
    expect(counts.reduce((a, b) => a + b, 0), shards.map((s) => s.stdout).join('\n')).toBe(14);
    const hashes = [1, 2, 3].map((i) => listEntries(at(`shard-${i}`)).map((e) => e.hash));
    hashes.forEach((list, k) => expect(list).toHaveLength(counts[k]));
    expect(new Set(hashes.flat()).size).toBe(14); // disjoint, and together everything

    const merged = await merge(['shard-1', 'shard-2', 'shard-3', '--into', 'merged']);
    ok(merged);
    expect(merged.stdout).toMatch(new RegExp(`shard-1: ${counts[0]} entries — ${counts[0]} merged, 0 already present`));
    expect(storeFiles(at('merged'))).toEqual(storeFiles(at('reference')));

    // Merging again changes nothing.
    const before = new Map(listEntries(at('merged')).map((e) => [e.dir, statSync(path.join(e.dir, TENSOR_FILE)).mtimeMs]));
    const again = await merge(['shard-1', 'shard-2', 'shard-3', '--into', 'merged']);
    ok(again);
    expect(again.stdout).toMatch(new RegExp(`shard-2: ${counts[1]} entries — 0 merged, ${counts[1]} already present`));
    expect(new Map(listEntries(at('merged')).map((e) => [e.dir, statSync(path.join(e.dir, TENSOR_FILE)).mtimeMs]))).toEqual(before);
  });

  it('a corrupted shard entry is refused with one line, and the rest is merged', async () => {
    cpSync(at('shard-1'), at('damaged'), { recursive: true });
    const [victim, ...rest] = listEntries(at('damaged'));
    const tensors = path.join(victim.dir, TENSOR_FILE);
    writeFileSync(tensors, readFileSync(tensors).subarray(0, 100));
    const result = await merge(['damaged', '--into', 'from-damaged']);
    expect(result.code).toBe(1);
    const relative = path.join('damaged', victim.family, victim.hash);
    expect(result.stderr).toContain(`refused ${path.join(root, relative)}: tensors.safetensors does not match the checksum in meta.json (truncated or modified); not merged\n`);
    expect(result.stderr).toContain('1 entry refused');
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(listEntries(at('from-damaged')).map((e) => e.hash).sort()).toEqual(rest.map((e) => e.hash).sort());
    expect(existsSync(path.join(at('from-damaged'), victim.family, victim.hash))).toBe(false);
  });

  // Issue 28: merging a store into itself printed its message and then a stack; merging a
  // folder that is no store (content/) exited 0.
  it.each([
    ['the destination store itself', () => ['merged', '--into', 'merged'], /^store merge: .*merged is the destination store itself; name the shard stores to merge into it$/],
    ['a folder that is not a run store', () => ['pipeline', '--into', 'merged'], /^store merge: .*pipeline is not a run store: it holds .+, where a store holds only identity\/, sparse\/, sparse-stream\/ and checkpoints\/; name a folder written by `npm run train -- --store DIR`$/],
    ['a file', () => ['package.json', '--into', 'merged'], /^npm run store -- merge: package\.json is not a folder$/],
  ] as const)('merging %s fails with one line and exit 1, changing nothing', async (_name, args, message) => {
    const before = storeFiles(at('merged'));
    const result = await merge([...args()]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(hasStackTrace(result.stderr), result.stderr).toBe(false);
    expect(result.stderr.trim()).toMatch(message);
    expect(storeFiles(at('merged'))).toEqual(before);
  });

  it('an entry whose tensors differ from the same run already in the destination is refused as a conflict', async () => {
    cpSync(at('shard-2'), at('conflicting'), { recursive: true });
    const [victim] = listEntries(at('conflicting'));
    // A sound entry (checksums match) with other tensors: what different code would have written.
    const tensorsFile = path.join(victim.dir, TENSOR_FILE);
    const bytes = Buffer.from(readFileSync(tensorsFile));
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(tensorsFile, bytes);
    const metaFile = path.join(victim.dir, META_FILE);
    const { metaChecksum: _old, ...meta } = JSON.parse(readFileSync(metaFile, 'utf8'));
    meta.files[TENSOR_FILE] = sha256(bytes);
    writeFileSync(metaFile, `${JSON.stringify({ ...meta, metaChecksum: sha256(canonicalJson(meta)) }, null, 2)}\n`);
    expect(readEntry(at('conflicting'), victim.family as 'identity', victim.hash).kind).toBe('ok');

    const mergedTensors = readFileSync(path.join(at('merged'), victim.family, victim.hash, TENSOR_FILE));
    const result = await merge(['conflicting', '--into', 'merged']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^refused .*conflicting\/\w+\/[0-9a-f]{64}: conflicts with .*merged\/\w+\/[0-9a-f]{64}: same run \(hash\), different tensors .*; not merged$/m);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(readFileSync(path.join(at('merged'), victim.family, victim.hash, TENSOR_FILE)).equals(mergedTensors)).toBe(true);
  });

  it('SIGKILL in the middle of a merge leaves only sound entries; merging again completes it', async () => {
    ok(await merge(['shard-1', '--into', 'killed']));
    const hook = mkdtempSync(path.join(tmpdir(), 'merge-pause-'));
    // The merge holds its first entry of shard-2, fully written, just before the rename.
    const cli = startCli(root, 'pipeline/cli/store.ts', ['merge', 'shard-2', 'shard-3', '--into', 'killed'], { RUN_STORE_PAUSE_BEFORE_PUBLISH: hook });
    await waitForFile(path.join(hook, 'paused'), cli.finished);
    const tempDir = readFileSync(path.join(hook, 'paused'), 'utf8');
    expect(readdirSync(tempDir).sort()).toEqual([META_FILE, TENSOR_FILE]);
    cli.signalGroup('SIGKILL');
    expect((await cli.finished).signal).toBe('SIGKILL');

    // Consistent: every entry a reader can see is sound; the unpublished one is only a temporary.
    const visible = listEntries(at('killed'));
    expect(visible.length).toBe(listEntries(at('shard-1')).length);
    for (const entry of visible) expect(readEntry(at('killed'), entry.family as 'identity', entry.hash).kind).toBe('ok');
    expect(existsSync(tempDir)).toBe(true);

    const rerun = await merge(['shard-1', 'shard-2', 'shard-3', '--into', 'killed']);
    ok(rerun);
    expect(rerun.stdout).toContain(`run store: removed ${tempDir}`);
    expect(storeFiles(at('killed'))).toEqual(storeFiles(at('reference')));
    expect(readdirSync(path.dirname(tempDir)).filter((name) => name.startsWith('.'))).toEqual([]);
    rmSync(hook, { recursive: true });
  });
});

describe('shardOf', () => {
  const runs = Array.from({ length: 200 }, (_, k) => ({ hash: sha256(String(k)), cost: 1 + ((k * 7919) % 97) ** 2 }));

  it('splits any set into disjoint shards that cover it, the same way every time and in any order', () => {
    const shards = [1, 2, 3, 4, 5].map((index) => shardOf(runs, { index, count: 5 }));
    expect(shards.flat().map((r) => r.hash).sort()).toEqual(runs.map((r) => r.hash).sort());
    const shuffled = [...runs].reverse();
    expect([1, 2, 3, 4, 5].map((index) => shardOf(shuffled, { index, count: 5 }).map((r) => r.hash).sort())).toEqual(shards.map((s) => s.map((r) => r.hash).sort()));
  });

  it('balances estimated cost, not count: no shard is over the mean by more than the largest run', () => {
    const loads = [1, 2, 3, 4].map((index) => shardOf(runs, { index, count: 4 }).reduce((sum, r) => sum + r.cost, 0));
    const mean = loads.reduce((a, b) => a + b, 0) / 4;
    const largest = Math.max(...runs.map((r) => r.cost));
    for (const load of loads) expect(Math.abs(load - mean)).toBeLessThanOrEqual(largest);
  });

  it('counts fixed per-step work, so tiny runs are not nearly free', () => {
    const base = { m: 2, bias: true, steps: 1000, schedule: { kind: 'constant' as const, lr: 1e-2 }, weightDecay: 0, seed: 0, engine: 'fused' as const, snapshots: 0 };
    const n3 = estimatedCost({ ...base, data: { family: 'identity', n: 3 } });
    const n12 = estimatedCost({ ...base, data: { family: 'identity', n: 12 } });
    expect(n12 / n3).toBeLessThan(2);
  });

  it('trains a stream beside other runs on one core, however big its batch, and a big fixed dataset on every core', () => {
    const base = { id: 'x', m: 2, bias: true, steps: 1000, schedule: { kind: 'constant' as const, lr: 1e-2 }, weightDecay: 0, seed: 0, engine: 'fused' as const, snapshots: 0 };
    expect(usesEveryCore({ ...base, data: { family: 'sparse-stream', n: 10_000, S: 0.999, batch: 1024 } })).toBe(false);
    expect(usesEveryCore({ ...base, data: { family: 'sparse', n: 10_000, S: 0.999, T: 1024 } })).toBe(true);
    expect(usesEveryCore({ ...base, data: { family: 'sparse', n: 10, S: 0.9, T: 10 } })).toBe(false);
    expect(usesEveryCore({ ...base, engine: 'webgpu', data: { family: 'sparse-stream', n: 10_000, S: 0.999, batch: 1024 } })).toBe(true);
  });
});
