/**
 * `npm run new-post -- <slug> "<title>" --explorable` in a scratch copy of the project with
 * no posts and an empty run store: the scaffold adds an explorable figure inside the new
 * post's folder only, and the pipeline trains its runs and publishes the figure with its
 * controls and data file, as any other post's.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { copyRepo, removeCopy, runCli, type Finished } from '../fixtures/repoCopy.ts';

const PARTS = ['pipeline', 'src', 'public', 'scripts', 'astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md'];
const SLUG = 'explorable-follow-up';
const root = copyRepo(PARTS);
afterAll(() => removeCopy(root));

function newPost(args: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'new-post', '--', ...args], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

it('scaffolds a post with an explorable figure that the pipeline renders with its controls and data', async () => {
  const created = await newPost([SLUG, 'An explorable follow-up', '--explorable']);
  expect(created.code, created.stderr).toBe(0);
  const post = path.join(root, 'content', SLUG);
  for (const file of ['figures/seeds.ts', 'figures/seeds.draw.ts', 'experiments/seeds.ts']) expect(existsSync(path.join(post, file)), file).toBe(true);
  expect(readFileSync(path.join(post, 'post.md'), 'utf8')).toContain('::figure[seeds]');
  expect(readFileSync(path.join(post, 'post.ts'), 'utf8')).toContain(`{ file: 'content/${SLUG}/experiments/seeds.ts', experiments: seedExperiments }`);

  const built = await runCli(root, 'pipeline/cli/build.ts', []);
  expect(built.code, built.stdout + built.stderr).toBe(0);
  const manifest = JSON.parse(readFileSync(path.join(root, 'figures', SLUG, 'manifest.json'), 'utf8'));
  expect(Object.keys(manifest.figures)).toEqual(['features', 'seeds']);
  expect(manifest.figures.seeds.explore).toMatchObject({ data: 'seeds.data.json', draw: `content/${SLUG}/figures/seeds.draw.ts` });
  expect(manifest.figures.seeds.explore.controls).toEqual([{ id: 'seed', label: 'Seed', kind: 'slider', values: [1, 2, 3, 4], default: 1 }]);
  const data = JSON.parse(readFileSync(path.join(root, 'figures', SLUG, 'seeds.data.json'), 'utf8'));
  expect(Object.keys(data.bySeed)).toEqual(['1', '2', '3', '4']);
}, 300_000);
