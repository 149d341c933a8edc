/**
 * `npm run new-post` as a user runs it, in a scratch copy of the project with no posts and
 * an empty run store: the scaffold refuses bad slugs and existing folders in one line,
 * writes nothing outside content/<slug>/, and the pipeline and the site build then show
 * the post on the index with its figure. Removing the post is deleting its folder and
 * `npm run prune`, which lists (--dry-run) and then deletes its now-unused store entry.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listEntries } from '../../pipeline/store/prune.ts';
import { copyRepo, hasStackTrace, removeCopy, runCli, type Finished } from '../fixtures/repoCopy.ts';

/** What a fork without posts holds: the machinery, no content/, no runs/, no figures/. */
const PARTS = ['pipeline', 'src', 'public', 'scripts', 'astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md'];
const SLUG = 'follow-up';
const root = copyRepo(PARTS);
afterAll(() => removeCopy(root));

/** `npm run <script> -- …args` in the copy, exactly as typed. */
function npmRun(script: string, args: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Repo-relative path → mtime and size of every file in the copy (node_modules left out). */
function fileStates(dir = root): Map<string, string> {
  const states = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.name === 'node_modules') continue;
    if (entry.isDirectory()) for (const [name, state] of fileStates(file)) states.set(name, state);
    else {
      const stat = statSync(file);
      states.set(path.relative(root, file), `${stat.mtimeMs} ${stat.size}`);
    }
  }
  return states;
}

function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).sort();
}

const pipeline = () => runCli(root, 'pipeline/cli/build.ts', []);
const site = () => npmRun('site', []);

describe('npm run new-post', () => {
  it('refuses a bad slug or an existing folder with one line and no stack trace', async () => {
    for (const args of [['Bad_Slug', 'A title'], ['../escape', 'A title'], [SLUG]]) {
      const result = await npmRun('new-post', args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(hasStackTrace(result.stderr)).toBe(false);
    }
    expect(existsSync(path.join(root, 'content'))).toBe(false);
  });

  it('scaffolds a post that builds, from an empty store, onto the index with its figure, touching nothing outside its folder', async () => {
    const before = fileStates();
    const created = await npmRun('new-post', [SLUG, 'A follow-up']);
    expect(created.code, created.stderr).toBe(0);
    expect(changedFiles(before, fileStates()).filter((name) => !name.startsWith(`content/${SLUG}/`))).toEqual([]);
    expect(readFileSync(path.join(root, 'content', SLUG, 'post.md'), 'utf8')).toMatch(/^date: \d{4}-\d{2}-\d{2}$/m);

    const again = await npmRun('new-post', [SLUG, 'Another']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`content/${SLUG} already exists`);

    // npm run build: the pipeline, then the site.
    const built = await npmRun('build', []);
    expect(built.code, built.stdout + built.stderr).toBe(0);
    expect(built.stdout).toMatch(/trained in/);
    expect(listEntries(path.join(root, 'runs'))).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(path.join(root, 'figures', SLUG, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.figures)).toEqual(['features']);

    const index = readFileSync(path.join(root, 'dist', 'index.html'), 'utf8');
    expect(index).toContain(`href="/${SLUG}/"`);
    expect(index).toContain('A follow-up');
    const page = readFileSync(path.join(root, 'dist', SLUG, 'index.html'), 'utf8');
    expect(page).toMatch(/id="fig-features"[\s\S]*<svg/);
    expect(page).toContain('holds');
    expect(page).not.toContain('class="verdict fails"');
    // The reader's page comes with the scaffold, no work: contents, share card, canonical
    // link, sitemap entry, search index, PDF link (issue 25).
    expect(page).toMatch(/<nav class="contents"[\s\S]*href="#setup"/);
    expect(page).toContain(`<link rel="canonical" href="http://localhost:4321/${SLUG}/">`);
    expect(page).toContain(`<meta property="og:image" content="http://localhost:4321/${SLUG}/card.png">`);
    expect(readFileSync(path.join(root, 'dist', SLUG, 'card.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(page).toContain(`href="${SLUG}.pdf"`);
    expect(readFileSync(path.join(root, 'dist', 'sitemap-0.xml'), 'utf8')).toContain(`/${SLUG}/</loc>`);
    expect(existsSync(path.join(root, 'dist', 'pagefind', 'pagefind-ui.js'))).toBe(true);
  });

  it('is removed by deleting its folder and npm run prune (--dry-run lists first)', async () => {
    const store = path.join(root, 'runs');
    const [entry] = listEntries(store);
    rmSync(path.join(root, 'content', SLUG), { recursive: true });

    const listed = await npmRun('prune', ['--dry-run']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(path.relative(root, entry.dir));
    expect(existsSync(entry.dir)).toBe(true);

    const pruned = await npmRun('prune', []);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(listEntries(store)).toEqual([]);

    const rebuilt = await pipeline();
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(existsSync(path.join(root, 'figures', SLUG))).toBe(false);
    const siteBuild = await site();
    expect(siteBuild.code, siteBuild.stdout + siteBuild.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'dist', 'index.html'), 'utf8')).not.toContain(`/${SLUG}/`);
    expect(existsSync(path.join(root, 'dist', SLUG))).toBe(false);
  });
}, 300_000);
