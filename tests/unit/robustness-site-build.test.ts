/**
 * An interrupted site build keeps the last good site (issue 12): `npm run site` builds
 * into a temporary folder and swaps it in only on success. Driven with real processes in
 * a scratch copy: a build killed with SIGKILL mid-way, a build that fails, a swap killed
 * half-way; dist/ is the last good site after each, and the next build cleans up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addFixturePost, copyRepo, FIXTURE_POST, removeCopy, runCli, startCli } from '../fixtures/repoCopy.ts';

const root = copyRepo(['src', 'pipeline', 'scripts/site.ts', 'tests/fixtures', 'astro.config.mjs', 'package.json', 'tsconfig.json']);
addFixturePost(root);
afterAll(() => removeCopy(root));

const ENV = { FIGURES_DIR: 'tests/fixtures/figures' };
const dist = path.join(root, 'dist');
const MARK = path.join(dist, 'last-good-site');
const site = () => runCli(root, 'scripts/site.ts', [], ENV);
/** Temporary and set-aside folders the swap uses (.dist.tmp-<pid>, .dist.old-<pid>). */
const leftovers = () => readdirSync(root).filter((name) => /^\.dist\.(tmp|old)-\d+$/.test(name));
/** A pid that no process has any more. */
const deadPid = () => spawnSync('true').pid!;

describe('npm run site', () => {
  it('builds dist/ and leaves nothing beside it', async () => {
    const built = await site();
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(readFileSync(path.join(dist, 'index.html'), 'utf8')).toContain('Fixture post');
    expect(leftovers()).toEqual([]);
  });

  it('keeps the last good dist/ when the build is killed with SIGKILL mid-way', async () => {
    writeFileSync(MARK, 'from the previous build');
    const cli = startCli(root, 'scripts/site.ts', [], ENV);
    // Astro has emptied its output folder and is writing pages by now.
    await cli.waitFor(/generating static routes/);
    cli.signalGroup('SIGKILL');
    const { signal } = await cli.finished;
    expect(signal).toBe('SIGKILL');
    expect(readFileSync(MARK, 'utf8')).toBe('from the previous build');
    expect(readFileSync(path.join(dist, 'index.html'), 'utf8')).toContain('Fixture post');
    expect(leftovers()).toHaveLength(1); // the killed build's temporary folder

    const next = await site();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(existsSync(MARK)).toBe(false); // replaced by the new site
    expect(leftovers()).toEqual([]);
  });

  it('keeps the last good dist/ when the build fails', async () => {
    writeFileSync(MARK, 'from the previous build');
    const prose = path.join(root, FIXTURE_POST, 'post.md');
    const good = readFileSync(prose, 'utf8');
    writeFileSync(prose, `${good}\n::figure[no-such-figure]\n`);
    const failed = await site();
    writeFileSync(prose, good);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('still holds the last good site');
    // The author's error reads once (Astro's renderer dumped it first, issue 28), with no
    // empty "Stack trace:" heading after it.
    expect(failed.stderr.split('unknown figure id "no-such-figure"')).toHaveLength(2);
    expect(failed.stdout + failed.stderr).not.toContain('Stack trace:');
    expect(existsSync(MARK)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('puts the old site back when a build died between the two renames of the swap', async () => {
    const aside = path.join(root, `.dist.old-${deadPid()}`);
    renameSync(dist, aside);
    const next = await site();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(next.stdout).toContain('restored dist/ from an interrupted build');
    expect(readFileSync(path.join(dist, 'index.html'), 'utf8')).toContain('Fixture post');
    expect(leftovers()).toEqual([]);
  });
}, 300_000);
