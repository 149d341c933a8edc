/**
 * npm test: the whole suite.
 *   - the strict type check (tsc --noEmit, incremental: .cache/tsc.tsbuildinfo);
 *   - unit tests (vitest, files in parallel): data, provenance, store, engines, validation,
 *     figures, SVG snapshots, and retraining cheap committed runs bitwise;
 *   - the site: `npm run build` from the committed store (trains nothing when current),
 *     `npm run pdf` (each post's PDF) and a second build for a sub-path (dist-subpath);
 *   - Playwright: screenshots of every figure of every post, pixel-exact, and the
 *     sub-path build served under its prefix.
 * vitest runs alongside the type check and the builds, which run one after the other (the
 * site build rewrites .astro/types.d.ts, which tsc reads). Playwright starts when both are
 * done: it needs the built site, and its pixel-exact screenshots wait for two identical
 * frames, which a page sharing two cores with vitest's training can fail to paint within
 * the screenshot's time limit (seen on the claims-ledger table). Started beside vitest,
 * with vitest at nice 10, the suite took 11 min instead of 12, but one run in four on a
 * fresh clone rendered one glyph of post 1's whole page at 390 px differently (49 pixels,
 * a stable screenshot): so the page tests wait for vitest. The
 * build's pipeline writes its figures into a scratch copy of figures/ (.cache/test-figures),
 * so that vitest, which checks that the committed figures/ is current, never reads a
 * figure the build is rewriting.
 *
 * vitest prints as it goes; the other steps write test-results/<step>.log and print one
 * line each (their whole log when they fail). Ends with one line
 * "tests: N passed, N failed in M min S s". A missing SVG snapshot or screenshot baseline
 * (a new post) fails in both runners, inside CI and out, and the end names the command
 * that records them. `npm run test:update` (--update) accepts intended figure changes by
 * rewriting SVG snapshots and screenshot baselines.
 */
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { formatDuration, missingBaselines, missingBaselinesAdvice, type PlaywrightReport, type VitestReport } from './test-report.ts';

const update = process.argv.includes('--update');
const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
const scratchFigures = path.join(root, '.cache', 'test-figures');
mkdirSync(results, { recursive: true });
const started = Date.now();
/** The build's pipeline and Playwright read figures from the scratch copy. */
const figuresEnv = { FIGURES_DIR: scratchFigures };

/** Runs a command to its end; output goes to the terminal, or to test-results/<log>.log. */
function run(command: string, args: string[], options: { env?: Record<string, string>; log?: string } = {}): Promise<number> {
  const line = `${command} ${args.join(' ')}`;
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: options.log ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  if (options.log) {
    const file = createWriteStream(path.join(results, `${options.log}.log`));
    file.write(`> ${line}\n`);
    child.stdout!.pipe(file, { end: false });
    child.stderr!.pipe(file, { end: false });
    child.on('close', () => file.end());
  } else process.stdout.write(`\n> ${line}\n`);
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

/** One line for a step run with a log; the whole log when it failed. */
function report(step: string, status: number, since: number): void {
  const seconds = Math.round((Date.now() - since) / 1000);
  if (status === 0) process.stdout.write(`${step}: ok (${seconds} s, test-results/${step}.log)\n`);
  else process.stdout.write(`\n${step}: FAILED (${seconds} s):\n${readFileSync(path.join(results, `${step}.log`), 'utf8')}\n`);
}

function readJson<T>(file: string): T | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
}

let passed = 0;
let failed = 0;
let vitestResults: VitestReport | null = null;
let playwrightResults: PlaywrightReport | null = null;

async function unitTests(): Promise<void> {
  const vitestReport = path.join(results, 'vitest.json');
  rmSync(vitestReport, { force: true });
  const status = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestReport}`, ...(update ? ['-u'] : [])]);
  const unit = (vitestResults = readJson<VitestReport>(vitestReport));
  passed += unit?.numPassedTests ?? 0;
  failed += unit ? unit.numFailedTests : 1;
  if (unit && status !== 0 && unit.numFailedTests === 0) failed += 1; // e.g. a file that failed to load
}

/** The type check, then the site builds; true when the pages can be tested. */
async function typeCheckAndBuild(): Promise<boolean> {
  let since = Date.now();
  const typecheck = await run('npx', ['tsc', '--noEmit', '-p', '.'], { log: 'typecheck' });
  report('typecheck', typecheck, since);
  if (typecheck === 0) passed += 1;
  else failed += 1;

  // The pipeline only re-renders what is stale, so starting from the committed figures
  // it renders what `npm run build` would, without touching figures/.
  rmSync(scratchFigures, { recursive: true, force: true });
  if (existsSync(path.join(root, 'figures'))) cpSync(path.join(root, 'figures'), scratchFigures, { recursive: true });
  since = Date.now();
  let build = await run('npm', ['run', 'build', '--', '--figures', scratchFigures], { env: figuresEnv, log: 'build' });
  report('build', build, since);
  if (build === 0) {
    since = Date.now();
    build = await run('npm', ['run', 'pdf'], { log: 'pdf' });
    report('pdf', build, since);
  }
  if (build === 0) {
    // The same site for a sub-path host (playwright.config.ts serves it).
    since = Date.now();
    build = await run('node', ['--import', 'tsx', 'scripts/site.ts'], { env: { ...figuresEnv, SITE_BASE: '/series-subpath-check/', OUT_DIR: 'dist-subpath' }, log: 'build-subpath' });
    report('build-subpath', build, since);
  }
  if (build !== 0) {
    failed += 1;
    process.stdout.write('npm run build failed: the page tests need the built site, so they did not run.\n');
    return false;
  }
  return true;
}

async function pageTests(): Promise<void> {
  const playwrightReport = path.join(results, 'playwright.json');
  rmSync(playwrightReport, { force: true });
  const since = Date.now();
  const status = await run('npx', ['playwright', 'test', '--reporter=list,json', ...(update ? ['--update-snapshots'] : [])], {
    env: { ...figuresEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
    log: 'playwright',
  });
  report('playwright', status, since);
  const e2e = (playwrightResults = readJson<PlaywrightReport>(playwrightReport));
  passed += e2e?.stats.expected ?? 0;
  failed += e2e ? e2e.stats.unexpected + e2e.stats.flaky : 1;
  if (e2e && status !== 0 && e2e.stats.unexpected === 0) failed += 1;
}

const [, built] = await Promise.all([unitTests(), typeCheckAndBuild()]);
if (built) await pageTests();

process.stdout.write(missingBaselinesAdvice(missingBaselines(vitestResults, playwrightResults, root)));
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed in ${formatDuration(Date.now() - started)}\n`);
process.exit(failed === 0 ? 0 : 1);
