/**
 * Store entries that no current experiment points at: what an edited experiment or a
 * code change left behind. They are harmless (never read) but make the store grow;
 * `npm run prune` removes them (`--dry-run` only lists them).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface StoredEntryRef {
  family: string;
  hash: string;
  dir: string;
}

/** Every run-store entry directory (runs/<family>/<hash>), skipping temporaries and checkpoints. */
export function listEntries(root: string): StoredEntryRef[] {
  if (!existsSync(root)) return [];
  const entries: StoredEntryRef[] = [];
  for (const family of readdirSync(root, { withFileTypes: true })) {
    if (!family.isDirectory() || family.name === 'checkpoints' || family.name.startsWith('.')) continue;
    for (const entry of readdirSync(path.join(root, family.name), { withFileTypes: true })) {
      if (entry.isDirectory() && /^[0-9a-f]{64}$/.test(entry.name)) entries.push({ family: family.name, hash: entry.name, dir: path.join(root, family.name, entry.name) });
    }
  }
  return entries;
}

/** Entries whose hash is not among the live ones. */
export function orphanedEntries(root: string, liveHashes: ReadonlySet<string>): StoredEntryRef[] {
  return listEntries(root).filter((entry) => !liveHashes.has(entry.hash));
}
