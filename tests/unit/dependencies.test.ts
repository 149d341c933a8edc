/**
 * The dependency versions that figure and table keys include (a Plot or jsdom upgrade
 * re-renders), read from package-lock.json, and the code actually installed (an edited
 * node_modules re-renders, issue 28); a missing lock file is a user's one-line fix, not a
 * stack trace.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitStatusOf } from '../../pipeline/cli/errors.ts';
import { FIGURE_PACKAGES, installedPackages, lockedVersions, LockFileError } from '../../pipeline/stages/dependencies.ts';
import { figureInputsHash } from '../../pipeline/stages/figures.ts';
import type { Figure } from '../../pipeline/post/figure.ts';
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

describe('installedPackages', () => {
  /** A project with a lock naming Plot and jsdom, and a small installed Plot. */
  function fakeProject(): string {
    const root = mkdtempSync(path.join(tmpdir(), 'installed-'));
    const lock = { packages: { 'node_modules/@observablehq/plot': { version: '0.6.17', dependencies: { d3: '^7' } }, 'node_modules/d3': { version: '7.9.0' }, 'node_modules/jsdom': { version: '29.1.1' } } };
    writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify(lock));
    mkdirSync(path.join(root, 'node_modules/@observablehq/plot/src/marks'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules/@observablehq/plot/package.json'), '{"name":"@observablehq/plot","version":"0.6.17"}');
    writeFileSync(path.join(root, 'node_modules/@observablehq/plot/src/marks/line.js'), 'export const strokeWidth = 1.5;\n');
    writeFileSync(path.join(root, 'node_modules/@observablehq/plot/README.md'), 'docs\n');
    mkdirSync(path.join(root, 'node_modules/d3'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules/d3/index.js'), 'export {};\n');
    mkdirSync(path.join(root, 'content/post/figures'), { recursive: true });
    writeFileSync(path.join(root, 'content/post/figures/f.ts'), 'export default {};\n');
    return root;
  }
  const figure: Figure = { id: 'f', needs: [], caption: 'c', render: () => ({ svg: '', provenance: '', numbers: {} }) };
  const key = (root: string) => figureInputsHash(figure, 'content/post/figures/f.ts', [], root);
  const line = (root: string) => path.join(root, 'node_modules/@observablehq/plot/src/marks/line.js');

  it('an edit to an installed package\'s code changes every figure key, even keeping size and mtime of other files', () => {
    const project = fakeProject();
    try {
      const before = key(project);
      expect(key(project)).toBe(before); // stable
      writeFileSync(line(project), 'export const strokeWidth = 3.0;\n'); // same size
      utimesSync(line(project), new Date(), new Date(Date.now() + 5000));
      expect(key(project)).not.toBe(before);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('documentation does not count; a package the lock names but nobody installed is named so', () => {
    const project = fakeProject();
    try {
      const before = installedPackages(FIGURE_PACKAGES, project);
      expect(before.jsdom).toBe('29.1.1 not installed');
      expect(before['@observablehq/plot']).toMatch(/^0\.6\.17 [0-9a-f]{64}$/);
      writeFileSync(path.join(project, 'node_modules/@observablehq/plot/README.md'), 'other docs\n');
      expect(installedPackages(FIGURE_PACKAGES, project)).toEqual(before);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('keeps each digest in node_modules/.cache and reuses it while sizes and mtimes hold', () => {
    const project = fakeProject();
    try {
      const first = installedPackages(FIGURE_PACKAGES, project);
      const cacheFile = path.join(project, 'node_modules/.cache/installed-package-digests.json');
      expect(existsSync(cacheFile)).toBe(true);
      // The cache is what answers: a forged digest with matching stats is returned as is.
      const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, { stats: string; digest: string }>;
      const plotDir = path.join(project, 'node_modules/@observablehq/plot');
      cache[plotDir].digest = 'f'.repeat(64);
      writeFileSync(cacheFile, JSON.stringify(cache));
      expect(installedPackages(FIGURE_PACKAGES, project)['@observablehq/plot']).toBe(`0.6.17 ${'f'.repeat(64)}`);
      // Any change of size or mtime makes it hash again.
      utimesSync(line(project), new Date(), new Date(Date.now() + 10_000));
      expect(installedPackages(FIGURE_PACKAGES, project)).toEqual(first);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
