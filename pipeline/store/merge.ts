/**
 * Folding one run store into another (the shards of a sweep into runs/). Every entry is
 * verified (readEntry: meta.json's own checksum, the tensors' sha256, the hash it names)
 * before its bytes are copied, and published like writeEntry does: written to a
 * temporary sibling directory, flushed to disk, renamed into place. A merge killed at
 * any point leaves only complete entries and temporaries that the next run removes, so
 * merging again finishes the job; entries already present are left alone, so re-merging
 * is a no-op.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataFamily } from '../experiments/types.ts';
import { sha256, STORE_FORMAT } from './provenance.ts';
import { listEntries } from './prune.ts';
import { StoreError } from './faults.ts';
import { entryDir, fsyncFile, META_FILE, pauseBeforePublish, readEntry, removeStaleTemporaries, TEMP_MARK, TENSOR_FILE } from './runStore.ts';

export type MergeOutcome =
  | { kind: 'merged'; family: string; hash: string; replacedCorrupt: boolean }
  | { kind: 'present'; family: string; hash: string }
  | { kind: 'refused'; family: string; hash: string; reason: string };

export interface MergeSummary {
  outcomes: MergeOutcome[];
  /** Temporaries of killed writers removed from the destination before merging. */
  removedTemporaries: string[];
  /** Checkpoints of unfinished runs in the source (not merged: only finished runs are). */
  skippedCheckpoints: number;
}

/** Merges every entry of store `source` into store `dest`; refuses (and reports) what is unsound or conflicting. */
export function mergeStore(source: string, dest: string, onOutcome: (outcome: MergeOutcome) => void = () => {}): MergeSummary {
  if (!existsSync(source)) throw new StoreError(`store merge: ${source} does not exist`);
  if (existsSync(dest) && realpathSync(source) === realpathSync(dest)) throw new StoreError(`store merge: ${source} is the destination store itself; name the shard stores to merge into it`);
  const notAStore = notAStoreReason(source);
  if (notAStore) throw new StoreError(`store merge: ${source} is not a run store: ${notAStore}; name a folder written by \`npm run train -- --store DIR\``);
  const removedTemporaries = removeStaleTemporaries(dest);
  const outcomes: MergeOutcome[] = [];
  for (const { family, hash } of listEntries(source)) {
    const outcome = mergeEntry(source, dest, family as DataFamily, hash);
    outcomes.push(outcome);
    onOutcome(outcome);
  }
  const checkpoints = path.join(source, 'checkpoints');
  const skippedCheckpoints = existsSync(checkpoints) ? readdirSync(checkpoints).filter((name) => name.endsWith('.safetensors')).length : 0;
  return { outcomes, removedTemporaries, skippedCheckpoints };
}

/** What a run store may hold at its top level: one folder per data family, checkpoints/, and dot-files (temporaries). */
const STORE_FOLDERS: readonly DataFamily[] = ['identity', 'sparse', 'sparse-stream'];

/** Why `dir` cannot be a run store (it holds something no store holds), or null. An empty folder is an empty store. */
function notAStoreReason(dir: string): string | null {
  const names = readdirSync(dir, { withFileTypes: true }).filter((entry) => !entry.name.startsWith('.'));
  const foreign = names.filter((entry) => !(entry.isDirectory() && ((STORE_FOLDERS as readonly string[]).includes(entry.name) || entry.name === 'checkpoints')));
  if (foreign.length === 0) return null;
  const shown = foreign.slice(0, 3).map((entry) => entry.name + (entry.isDirectory() ? '/' : ''));
  return `it holds ${shown.join(', ')}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''}, where a store holds only ${STORE_FOLDERS.map((f) => `${f}/`).join(', ')} and checkpoints/`;
}

function mergeEntry(source: string, dest: string, family: DataFamily, hash: string): MergeOutcome {
  const where = path.join(source, family, hash);
  const refuse = (reason: string): MergeOutcome => ({ kind: 'refused', family, hash, reason: `${where}: ${reason}; not merged` });
  const status = readEntry(source, family, hash);
  if (status.kind === 'newer-format') return refuse(`written by store format ${status.format}, newer than this code's ${STORE_FORMAT} (update the code first)`);
  if (status.kind === 'corrupt') return refuse(status.reason.replace(`${path.join(source, family, hash)}${path.sep}`, ''));
  if (status.kind === 'missing') return refuse('vanished while merging');
  if (status.meta.config.data.family !== family) return refuse(`meta.json is a ${status.meta.config.data.family} run, in the ${family} folder`);
  // The bytes to publish, checked against the checksums just verified (nothing changed in between).
  const metaBytes = readFileSync(path.join(where, META_FILE));
  const tensorBytes = readFileSync(path.join(where, TENSOR_FILE));
  if (sha256(tensorBytes) !== status.meta.files[TENSOR_FILE] || JSON.parse(metaBytes.toString('utf8')).metaChecksum !== status.meta.metaChecksum) {
    return refuse('changed while merging');
  }

  const existing = readEntry(dest, family, hash);
  if (existing.kind === 'ok') {
    if (existing.meta.files[TENSOR_FILE] === status.meta.files[TENSOR_FILE]) return { kind: 'present', family, hash };
    return refuse(
      `conflicts with ${path.join(dest, family, hash)}: same run (hash), different tensors (sha256 ${status.meta.files[TENSOR_FILE].slice(0, 12)}… vs ${existing.meta.files[TENSOR_FILE].slice(0, 12)}…), so one of them was not trained by this code; delete the one to drop and merge again`,
    );
  }
  if (existing.kind === 'newer-format') return refuse(`${path.join(dest, family, hash)} was written by newer store format ${existing.format}; left untouched`);
  publish(dest, family, hash, metaBytes, tensorBytes);
  return { kind: 'merged', family, hash, replacedCorrupt: existing.kind === 'corrupt' };
}

/** Publishes an entry's files atomically: temporary sibling, fsync, rename (a corrupt entry in the way is moved aside first). */
function publish(dest: string, family: DataFamily, hash: string, metaBytes: Buffer, tensorBytes: Buffer): void {
  const finalDir = entryDir(dest, family, hash);
  const tempDir = path.join(dest, family, `${TEMP_MARK}merge-${hash}-${process.pid}`);
  rmSync(tempDir, { recursive: true, force: true });
  mkdirSync(tempDir, { recursive: true });
  try {
    writeFileSync(path.join(tempDir, TENSOR_FILE), tensorBytes);
    writeFileSync(path.join(tempDir, META_FILE), metaBytes);
    fsyncFile(path.join(tempDir, TENSOR_FILE));
    fsyncFile(path.join(tempDir, META_FILE));
    pauseBeforePublish(tempDir);
    if (existsSync(finalDir)) {
      if (readEntry(dest, family, hash).kind === 'ok') return; // published meanwhile by another writer
      const aside = path.join(dest, family, `${TEMP_MARK}old-${hash}-${process.pid}`);
      try {
        renameSync(finalDir, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      rmSync(aside, { recursive: true, force: true });
    }
    try {
      renameSync(tempDir, finalDir);
    } catch (error) {
      if (readEntry(dest, family, hash).kind !== 'ok') throw error;
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}
