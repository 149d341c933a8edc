/**
 * The variables that place the built site (issue 28): SITE_BASE=http://x/ was taken for a
 * path and broke the feed's links; OUT_DIR naming the posts' folder would have been swapped
 * away by the build. Each wrong value is one line naming the variable and the fix, from
 * `npm run site` and `npm run build` before anything is built.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outDir, siteBase, SiteEnvError, siteUrl } from '../../src/plugins/site-env.ts';
import { sourceUrlFrom } from '../../src/plugins/source-links.ts';
import { addFixturePost, copyRepo, FIXTURE_POST, hasStackTrace, removeCopy, runCli } from '../fixtures/repoCopy.ts';

const refused = (check: () => unknown): string => {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(SiteEnvError);
    expect((error as Error).message.split('\n')).toHaveLength(1);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('SITE_BASE', () => {
  it.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['my-repo', '/my-repo/'],
    ['/my-repo', '/my-repo/'],
    ['/a/b.c_d~e/', '/a/b.c_d~e/'],
  ])('accepts %j as %j', (value, base) => expect(siteBase(value)).toBe(base));

  it('refuses a URL, saying where the origin goes', () => {
    expect(refused(() => siteBase('http://x/'))).toBe('SITE_BASE="http://x/" is a URL, not a path: SITE_BASE is the sub-path the site is served under (e.g. SITE_BASE=/my-repo/); put the origin in SITE_URL (e.g. SITE_URL=http://x)');
    expect(refused(() => siteBase('//cdn.example/x'))).toMatch(/^SITE_BASE="\/\/cdn\.example\/x" is a URL/);
  });

  it.each(['/a b/', '/x?y', '/x#y', '/../up/', '/caf\u00e9/'])('refuses %j', (value) => {
    expect(refused(() => siteBase(value))).toMatch(/^SITE_BASE=".*" has the path segment/);
  });
});

describe('SITE_URL', () => {
  it('accepts an origin, with or without the slash, and defaults when unset', () => {
    expect(siteUrl('https://me.github.io')).toBe('https://me.github.io');
    expect(siteUrl('https://me.github.io/')).toBe('https://me.github.io');
    expect(siteUrl(undefined)).toBe('http://localhost:4321');
  });

  it.each([
    ['me.github.io', /is not a URL/],
    ['ftp://me.example', /is not an http\(s\) origin/],
    ['https://me.github.io/repo', /has a path: SITE_URL is the origin only \(SITE_URL=https:\/\/me\.github\.io\) and the path goes in SITE_BASE \(SITE_BASE=\/repo\/\)/],
    ['https://me.github.io/?x=1', /credentials, a query or a fragment/],
    ['https://user:pw@me.github.io', /credentials, a query or a fragment/],
  ])('refuses %j', (value, pattern) => expect(refused(() => siteUrl(value))).toMatch(pattern));
});

describe('OUT_DIR', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'out-dir-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  mkdirSync(path.join(project, 'content/post'), { recursive: true });
  writeFileSync(path.join(project, 'content/post/post.md'), '# A post\n');
  mkdirSync(path.join(project, 'old-site'));
  writeFileSync(path.join(project, 'old-site/index.html'), '<p>site</p>');

  it('accepts a new folder, an empty one and an earlier build', () => {
    expect(outDir(undefined, project)).toBe(path.join(project, 'dist'));
    expect(outDir('old-site', project)).toBe(path.join(project, 'old-site'));
  });

  it.each([
    ['.', /is the project folder itself/],
    ['..', /is a folder that holds the project/],
    ['content', /is a folder that is not a built site \(no index\.html\)/],
    ['content/post/post.md', /is a file/],
  ])('refuses %j', (value, pattern) => expect(refused(() => outDir(value, project))).toMatch(pattern));
});

describe('REPO_URL', () => {
  it.each(['git@github.com:me/fork.git', 'github.com/me/fork', 'https://exa mple.org/{path}'])('refuses %j in one line', (value) => {
    expect(refused(() => sourceUrlFrom({ REPO_URL: value }, {}))).toMatch(/^REPO_URL must be an http\(s\) URL of the repository/);
  });
});

describe('npm run site and npm run build with a wrong variable', () => {
  const root = copyRepo(['src', 'pipeline', 'scripts/site.ts', 'scripts/build.ts', 'tests/fixtures', 'astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json']);
  addFixturePost(root);
  afterAll(() => removeCopy(root));

  it.each([
    ['scripts/site.ts', { SITE_BASE: 'http://x/' }, /^site: SITE_BASE="http:\/\/x\/" is a URL, not a path/],
    ['scripts/site.ts', { OUT_DIR: 'content' }, /^site: OUT_DIR="content" is a folder that is not a built site/],
    ['scripts/site.ts', { REPO_URL: 'git@github.com:me/fork.git' }, /^site: REPO_URL must be an http\(s\) URL of the repository .*e\.g\. REPO_URL=https:\/\/github\.com\/me\/my-fork$/],
    ['scripts/build.ts', { SITE_BASE: 'https://me.github.io/repo/' }, /^build: SITE_BASE=".*" is a URL, not a path/],
  ])('%s with %j: one line, nothing built, nothing moved', async (script, env, pattern) => {
    const result = await runCli(root, script, [], { ...env, FIGURES_DIR: 'tests/fixtures/figures' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(pattern);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
    expect(readdirSync(path.join(root, FIXTURE_POST))).toContain('post.md');
  });
}, 120_000);
