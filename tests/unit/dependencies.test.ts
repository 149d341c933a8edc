/**
 * The locked dependency versions that figure and table keys include (a Plot or jsdom
 * upgrade re-renders), read from package-lock.json; a missing lock file is a user's
 * one-line fix, not a stack trace.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitStatusOf } from '../../pipeline/cli/errors.ts';
import { lockedVersions, LockFileError } from '../../pipeline/stages/dependencies.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';

describe('lockedVersions', () => {
  it('gives the locked version of each root and of its whole dependency closure', () => {
    const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; dependencies?: Record<string, string> }> };
    const plot = lock.packages['node_modules/@observablehq/plot'];
    const versions = lockedVersions(['@observablehq/plot']);
    expect(versions['@observablehq/plot']).toBe(plot.version);
    for (const dependency of Object.keys(plot.dependencies ?? {})) expect(versions[dependency], dependency).toBe(lock.packages[`node_modules/${dependency}`].version);
  });

  it('without package-lock.json: a LockFileError naming the file and the fix, printed as one line', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-lock-'));
    try {
      let caught: unknown;
      try {
        lockedVersions(['@observablehq/plot'], empty);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(LockFileError);
      expect((caught as Error).message).toMatch(/package-lock\.json cannot be read .*restore it with git checkout package-lock\.json$/);
      expect(exitStatusOf(caught)).toEqual({ status: 1, expected: true });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
