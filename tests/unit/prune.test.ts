import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEntries, orphanedEntries } from '../../pipeline/store/prune.ts';

describe('store pruning', () => {
  it('finds entries no live hash points at, ignoring temporaries, checkpoints and stray folders', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'prune-'));
    const live = 'a'.repeat(64);
    const dead = 'b'.repeat(64);
    for (const dir of [`identity/${live}`, `sparse/${dead}`, `identity/.tmp-${dead}-123`, 'checkpoints', 'identity/notes']) mkdirSync(path.join(root, dir), { recursive: true });
    expect(listEntries(root).map((e) => `${e.family}/${e.hash}`).sort()).toEqual([`identity/${live}`, `sparse/${dead}`]);
    expect(orphanedEntries(root, new Set([live])).map((e) => e.hash)).toEqual([dead]);
  });

  it('treats a missing store as empty', () => {
    expect(listEntries(path.join(tmpdir(), 'no-such-store-dir'))).toEqual([]);
  });
});
