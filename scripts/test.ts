/**
 * npm test: the whole suite, in the order a user's change flows through it.
 *   0. the strict type check (tsc --noEmit) over pipeline, site and tests;
 *   1. unit tests (vitest): data, provenance, store, engines, validation, figures,
 *      SVG snapshots, and retraining the cheap committed runs bitwise;
 *   2. npm run build: the site, from the committed store (trains nothing when current),
 *      npm run pdf (each post's PDF), and a second build of the site for a sub-path
 *      (dist-subpath);
 *   3. Playwright: screenshots of every figure of every post, pixel-exact, and the
 *      sub-path build served under its prefix.
 * Ends with one line "tests: N passed, N failed". `npm run test:update` (--update)
 * accepts intended figure changes by rewriting SVG snapshots and screenshot baselines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const update = process.argv.includes('--update');
const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });

function run(command: string, args: string[], env: Record<string, string> = {}): number {
  process.stdout.write(`\n> ${command} ${args.join(' ')}\n`);
  const child = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return child.status ?? 1;
}

function readJson<T>(file: string): T | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
}

let passed = 0;
let failed = 0;

const typecheckStatus = run('npx', ['tsc', '--noEmit', '-p', '.']);
if (typecheckStatus === 0) passed += 1;
else failed += 1;

const vitestReport = path.join(results, 'vitest.json');
const unitStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestReport}`, ...(update ? ['-u'] : [])]);
const unit = readJson<{ numPassedTests: number; numFailedTests: number }>(vitestReport);
passed += unit?.numPassedTests ?? 0;
failed += unit ? unit.numFailedTests : 1;
if (unit && unitStatus !== 0 && unit.numFailedTests === 0) failed += 1; // e.g. a file that failed to load

// The second build is the same site for a sub-path host (playwright.config.ts serves it).
const buildStatus =
  run('npm', ['run', 'build']) ||
  run('npm', ['run', 'pdf']) ||
  run('node', ['--import', 'tsx', 'scripts/site.ts'], { SITE_BASE: '/series-subpath-check/', OUT_DIR: 'dist-subpath' });
if (buildStatus !== 0) {
  failed += 1;
  process.stdout.write('\nnpm run build failed: the page tests need the built site, so they did not run.\n');
} else {
  const playwrightReport = path.join(results, 'playwright.json');
  const e2eStatus = run('npx', ['playwright', 'test', '--reporter=list,json', ...(update ? ['--update-snapshots'] : [])], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
  });
  const e2e = readJson<{ stats: { expected: number; unexpected: number; flaky: number } }>(playwrightReport);
  passed += e2e?.stats.expected ?? 0;
  failed += e2e ? e2e.stats.unexpected + e2e.stats.flaky : 1;
  if (e2e && e2eStatus !== 0 && e2e.stats.unexpected === 0) failed += 1;
}

process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
