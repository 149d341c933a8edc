/**
 * The build needs no network and reads nothing outside the project: a training run and
 * an `astro build` of a scratch copy, with no network interface (`unshare -n`), HOME
 * pointed at an empty folder, every file open and socket traced by strace.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addExperiments, addFixturePost, copyRepo, removeCopy, TEST_EXPERIMENTS } from '../fixtures/repoCopy.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';

const root = copyRepo(['src', 'pipeline', 'tests/fixtures', 'astro.config.mjs', 'package.json', 'tsconfig.json']);
const home = mkdtempSync(path.join(tmpdir(), 'empty-home-'));
afterAll(() => [root, home].forEach(removeCopy));

/** Outside the copy, only the system, the shared node_modules and tsx's compile cache may be read. */
const allowed = [
  /^\/(usr|lib|lib64|etc|proc|sys|dev)\//,
  new RegExp(`^${REPO_ROOT}/node_modules/`),
  // Module resolution from inside the shared node_modules finds the project's own manifests.
  new RegExp(`^${REPO_ROOT}/(package|tsconfig)\\.json$`),
  new RegExp(`^${tmpdir()}/tsx-\\d+/`),
];

/**
 * strace's output, one line per call. A call that another thread interrupts is printed in two
 * halves, "<pid>  openat(…, "/.pnp.cjs", O_RDONLY <unfinished ...>" and later
 * "<pid>  <... openat resumed>) = -1 ENOENT"; read alone, the first half looked like a file
 * opened (seen once under load). The halves are joined here.
 */
function straceCalls(text: string): string[] {
  const pending = new Map<string, string>();
  const calls: string[] = [];
  for (const line of text.split('\n')) {
    const pid = line.split(/\s+/, 1)[0];
    if (line.endsWith('<unfinished ...>')) pending.set(pid, line.slice(0, -'<unfinished ...>'.length));
    else if (/<\.\.\. \w+ resumed>/.test(line)) {
      calls.push((pending.get(pid) ?? '') + line.replace(/^.*?<\.\.\. \w+ resumed>/, ''));
      pending.delete(pid);
    } else calls.push(line);
  }
  return calls;
}

describe('the build in a sandbox', () => {
  it('trains and builds with no network, opening no file outside the project, and touches no HOME', () => {
    addExperiments(root, TEST_EXPERIMENTS);
    // A citation too: citation-js formats it from the post's references.bib, offline.
    addFixturePost(root, '---\ntitle: Sandbox\nsummary: A sandboxed build.\ndate: 2026-01-01\n---\n\n## One {#one}\n\nLoss :num[tiny.loss], $x^2$, :cite[rankin1955].\n\n::figure[tiny]\n\n::references\n');
    writeFileSync(path.join(root, 'content/fixture/references.bib'), '@article{rankin1955, author = {Rankin, R. A.}, title = {The closest packing of spherical caps in $n$ dimensions}, year = {1955}, doi = {10.1017/S2040618500033219}}\n');
    const trace = path.join(root, 'trace.txt');
    const script = `${process.execPath} --import tsx pipeline/cli/train.ts tiny-run --store runs && ${process.execPath} node_modules/astro/astro.js build --outDir dist`;
    const isolate = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
    const result = spawnSync('unshare', [...isolate, 'strace', '-f', '-qq', '-e', 'trace=openat,open,socket,connect', '-o', trace, 'sh', '-c', script], {
      cwd: root,
      env: { ...process.env, HOME: home, FIGURES_DIR: 'tests/fixtures/figures', ASTRO_TELEMETRY_DISABLED: '1' },
      encoding: 'utf8',
    });
    expect(result.error, 'needs strace and unshare (apt-get install strace)').toBeUndefined();
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(readdirSync(path.join(root, 'dist'))).toContain('index.html');
    expect(readFileSync(path.join(root, 'dist/fixture/index.html'), 'utf8')).toContain('href="https://doi.org/10.1017/S2040618500033219"');

    const lines = straceCalls(readFileSync(trace, 'utf8'));
    const inet = lines.filter((line) => /\b(socket|connect)\(.*AF_INET6?\b/.test(line));
    expect(inet, 'network sockets opened').toEqual([]);
    const opened = lines
      .filter((line) => /\bopen(at)?\(/.test(line) && !/= -1 /.test(line) && !/O_DIRECTORY/.test(line))
      .map((line) => /"([^"]+)"/.exec(line)?.[1] ?? '')
      .filter((file) => file.startsWith('/') && !file.startsWith(`${root}/`));
    // Directories above the project are opened while resolving modules and real paths.
    const ancestor = (file: string) => `${root}/`.startsWith(`${file.replace(/\/$/, '')}/`) || `${REPO_ROOT}/node_modules/`.startsWith(`${file.replace(/\/$/, '')}/`);
    const outside = [...new Set(opened.filter((file) => !ancestor(file) && !allowed.some((pattern) => pattern.test(file))))];
    expect(outside, 'files opened outside the project').toEqual([]);
    expect(readdirSync(home)).toEqual([]);
  });

  it('reads an interrupted call as one call', () => {
    const trace = ['7  openat(AT_FDCWD, "/.pnp.cjs", O_RDONLY <unfinished ...>', '8  openat(AT_FDCWD, "/a", O_RDONLY) = 21', '7  <... openat resumed>) = -1 ENOENT (No such file or directory)'].join('\n');
    expect(straceCalls(trace)).toEqual(['8  openat(AT_FDCWD, "/a", O_RDONLY) = 21', '7  openat(AT_FDCWD, "/.pnp.cjs", O_RDONLY ) = -1 ENOENT (No such file or directory)']);
  });
});
