/**
 * `--help` answers before the pipeline is imported (issue 26: each CLI imported the whole
 * pipeline, ~10 s, before parsing its arguments). In a scratch copy, the modules every
 * pipeline command needs are replaced by ones that fail when imported: `--help` must
 * still print the usage and exit 0. Also: new-post's help explains the slug rules and
 * what it creates, dev's help shows the loop's own options (not Astro's), and
 * `npm run preview` prints no telemetry banner.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyRepo, type Finished, removeCopy } from '../fixtures/repoCopy.ts';

const root = copyRepo(['pipeline', 'scripts', 'package.json', 'tsconfig.json']);
afterAll(() => removeCopy(root));
for (const heavy of ['pipeline/post/post.ts', 'pipeline/stages/runs.ts', 'pipeline/store/provenance.ts', 'pipeline/store/runStore.ts', 'pipeline/cli/errors.ts']) {
  writeFileSync(path.join(root, heavy), `throw new Error('${heavy} was imported');\nexport {};\n`);
}

function npmRun(script: string, args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', ...env };
    // As on a user's machine: nothing has turned telemetry off beforehand.
    delete childEnv.ASTRO_TELEMETRY_DISABLED;
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: root, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('--help', () => {
  it.each([
    ['pipeline', 'Usage: npm run pipeline --'],
    ['train', 'Usage: npm run train --'],
    ['prune', 'Usage: npm run prune --'],
    ['store', 'Usage: npm run store --'],
    ['new-post', 'Usage: npm run new-post --'],
    ['dev', 'Usage: npm run dev --'],
  ])('npm run %s -- --help prints its usage without importing the pipeline', async (script, usage) => {
    const result = await npmRun(script, ['--help']);
    expect(result.stderr).not.toContain('was imported');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(usage);
  }, 60_000);

  it('new-post explains the slug rules and what it creates', async () => {
    const { stdout } = await npmRun('new-post', ['--help']);
    expect(stdout).toMatch(/lower-case letters, digits\s+and dashes/);
    for (const part of ['post.md', 'post.ts', 'experiments/', 'figures/', 'claims/', 'tests/']) expect(stdout).toContain(part);
  }, 60_000);

  it("dev shows the loop's own options, not astro dev's", async () => {
    const { stdout } = await npmRun('dev', ['--help']);
    expect(stdout).toContain('--budget <seconds>');
    expect(stdout).not.toMatch(/astro dev \[\.\.\.flags\]/);
  }, 60_000);
});

it('npm run preview prints no telemetry banner', async () => {
  // A fresh home: Astro shows its banner once per machine, remembered there.
  const home = mkdtempSync(path.join(tmpdir(), 'preview-home-'));
  // A build folder that does not exist: Astro decides on its banner first, then stops.
  const result = await npmRun('preview', ['--outDir', path.join(home, 'no-dist'), '--port', '4399'], { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') });
  expect(result.stdout + result.stderr).toMatch(/does not exist/);
  expect(result.stdout + result.stderr).not.toMatch(/anonymous usage data/);
}, 60_000);
