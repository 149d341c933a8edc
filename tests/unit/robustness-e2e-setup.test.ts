/**
 * `npm run build && npm run test:e2e` (issue 28) was an Astro stack trace: the sub-path
 * checks need dist-subpath/, which only `npm test` built. The page tests now build it when
 * it is missing or older than dist/, and without dist/ say in one line what to run.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareBuiltSites, SUBPATH, SUBPATH_OUT } from '../e2e/built-sites.ts';
import { copyRepo, hasStackTrace, removeCopy, type Finished } from '../fixtures/repoCopy.ts';

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function project(sites: Record<string, number>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'e2e-sites-'));
  scratch.push(root);
  for (const [dir, secondsAgo] of Object.entries(sites)) {
    mkdirSync(path.join(root, dir));
    const index = path.join(root, dir, 'index.html');
    writeFileSync(index, '<p>site</p>');
    const when = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(index, when, when);
  }
  return root;
}

describe('the sites the page tests need', () => {
  it('without dist/: one line saying to run npm run build', () => {
    const builds: string[] = [];
    expect(prepareBuiltSites(project({}), (out) => (builds.push(out), 0))).toBe('test:e2e: dist/ holds no built site; run `npm run build` first (or `npm test`, which builds and runs everything)');
    expect(builds).toEqual([]);
  });

  it('builds dist-subpath/ when it is missing or older than dist/, and only then', () => {
    const cases: Record<string, number>[] = [{ dist: 0 }, { dist: 0, [SUBPATH_OUT]: 60 }];
    for (const sites of cases) {
      const builds: [string, string][] = [];
      expect(prepareBuiltSites(project(sites), (out, base) => (builds.push([out, base]), 0))).toBeNull();
      expect(builds).toEqual([[SUBPATH_OUT, SUBPATH]]);
    }
    const builds: string[] = [];
    expect(prepareBuiltSites(project({ dist: 60, [SUBPATH_OUT]: 0 }), (out) => (builds.push(out), 0))).toBeNull();
    expect(builds).toEqual([]);
  });

  it('a failed sub-path build: one line saying how to see it alone', () => {
    expect(prepareBuiltSites(project({ dist: 0 }), () => 1)).toMatch(/^test:e2e: building dist-subpath\/ failed \(see above\); .*SITE_BASE=\/series-subpath-check\/ OUT_DIR=dist-subpath npm run site/);
  });
});

describe('npm run test:e2e without a built site', () => {
  const root = copyRepo(['playwright.config.ts', 'tests/e2e', 'package.json', 'tsconfig.json']);
  afterAll(() => removeCopy(root));

  it('fails in one line naming the command, with no stack trace', async () => {
    const result = await new Promise<Finished>((resolve) => {
      const child = spawn('npx', ['playwright', 'test', '--list'], { cwd: root, env: { ...process.env, FORCE_COLOR: '0', E2E_SITES_READY: '' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('test:e2e: dist/ holds no built site; run `npm run build` first (or `npm test`, which builds and runs everything)');
    expect(hasStackTrace(result.stdout + result.stderr)).toBe(false);
  });
}, 60_000);
