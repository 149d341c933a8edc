/**
 * npm run dev: the site with live reload, and the pipeline re-run on every save for
 * exactly what the change affects.
 *
 *   npm run dev [-- --port 4321 --budget 5]   (npm run dev -- --help)
 *
 * - `astro dev` serves every post, drafts included, and reloads a page when its post.md
 *   or references.bib changes, or anything in figures/ (src/plugins/index.ts).
 * - A watcher on content/ and pipeline/ starts one dev pass (pipeline/dev/cli.ts, a fresh
 *   process, so edited modules are imported anew) per burst of saves: a change under
 *   content/<slug>/ refreshes that post, a change under pipeline/ every post. The pass
 *   re-renders only the figures and tables whose inputs changed (the pipeline's own
 *   caches decide), trains missing runs only while that is estimated to take seconds
 *   (--budget, default 5; pipeline/dev/cost.ts), and marks the rest stale with the
 *   command that trains them. Edits to post.md need no pass: Astro reloads the page.
 * - A run that appears in the store while figures are stale (trained in another
 *   terminal with the command the note shows) starts a pass too.
 * - Nothing blocks: the server keeps serving the last good figures while a pass runs,
 *   saves during a pass queue one more, and a failing pass prints its error and waits
 *   for the next save.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliCommand } from '../pipeline/cli/command.ts';
import { affectedPosts } from '../pipeline/dev/affected.ts';
import { astroOutputFilter } from '../pipeline/dev/astro-output.ts';
import { watchTree } from '../pipeline/dev/watch.ts';

const root = path.resolve(import.meta.dirname, '..');
const program = cliCommand(
  'npm run dev --',
  'The site with live reload (astro dev, drafts included), and the pipeline re-run on every save for exactly what the change affects: a figure module edit re-renders that figure (and a table only when it runs that code); runs that train within the budget are trained at once, the others are marked stale on the page with the command that trains them.',
  [
    'npm run dev                          # http://localhost:4321/',
    'npm run dev -- --port 4000 --host    # another port, reachable from the network',
    'npm run dev -- --budget 60           # train changed runs estimated at up to a minute at once',
  ],
)
  .option('--budget <seconds>', 'seconds of estimated training a pass may spend on missing runs (env DEV_TRAIN_BUDGET)', process.env.DEV_TRAIN_BUDGET ?? '5')
  .option('--port <port>', 'port of the dev server (astro dev --port)')
  .option('--host [address]', 'listen on this address, or on every address without one (astro dev --host)')
  .allowUnknownOption()
  .allowExcessArguments()
  .addHelpText('after', '\nAny other option goes to astro dev as given (npx astro dev --help lists them).\n')
  .parse();
const values = program.opts<{ budget: string; port?: string; host?: string | true }>();
const budget = values.budget;
if (!/^\d+(\.\d+)?$/.test(budget)) {
  process.stderr.write(`npm run dev: --budget must be a number of seconds, got "${budget}"\n`);
  process.exit(2);
}
const astroArgs = [
  ...(values.port === undefined ? [] : ['--port', values.port]),
  ...(values.host === undefined ? [] : values.host === true ? ['--host'] : ['--host', values.host]),
  // Everything else goes to `astro dev` as given.
  ...program.args,
];

// Where the pipeline passes leave each post's current error for the dev server's overlay
// (src/plugins/dev-errors.ts); emptied at start, so no error outlives this session.
const errorsDir = path.join(root, '.astro', 'dev-errors');
rmSync(errorsDir, { recursive: true, force: true });
mkdirSync(errorsDir, { recursive: true });
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ASTRO_DISABLE_UPDATE_CHECK: 'true', DEV_ERRORS_DIR: errorsDir };

function log(text: string): void {
  process.stdout.write(`[dev] ${text}\n`);
}

// ── the site ──
const astro = spawn(process.execPath, [path.join(root, 'node_modules/astro/astro.js'), 'dev', ...astroArgs], {
  cwd: root,
  env: { ...env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) },
  stdio: ['inherit', 'pipe', 'pipe'],
});
// Astro's output, with each page error printed once (pipeline/dev/astro-output.ts).
const printedErrors = new Set<string>();
const passOn = (stream: NodeJS.WritableStream) => {
  const filter = astroOutputFilter((text) => stream.write(text), printedErrors);
  let quiet: NodeJS.Timeout | null = null;
  return (chunk: Buffer) => {
    filter.write(chunk.toString());
    if (quiet) clearTimeout(quiet);
    quiet = setTimeout(filter.flush, 100);
  };
};
/**
 * After a save an error is news again, but not at once: renders asked for before the save
 * still print the old error for a moment (seen in tests/unit/dev-server.test.ts, in the
 * same second as the save), and those must not reach the terminal a second time.
 */
let forgetTimer: NodeJS.Timeout | null = null;
const forgetPrintedErrorsSoon = () => {
  if (forgetTimer) clearTimeout(forgetTimer);
  forgetTimer = setTimeout(() => printedErrors.clear(), 1_000);
};
astro.stdout!.on('data', passOn(process.stdout));
astro.stderr!.on('data', passOn(process.stderr));
astro.on('exit', (code, signal) => {
  log(`astro dev ended (${signal ?? `code ${code}`})`);
  shutdown(code ?? 1);
});

// ── the pipeline passes ──
let running: ChildProcess | null = null;
/** Posts to refresh at the next pass; "all" after a change to shared code. */
let pending: Set<string> | 'all' | null = 'all';
let timer: NodeJS.Timeout | null = null;

function schedule(target: string | 'all'): void {
  if (pending === 'all' || target === 'all') pending = 'all';
  else pending = new Set([...(pending ?? []), target]);
  if (timer) clearTimeout(timer);
  // One pass per burst of saves (editors write a file in several steps).
  timer = setTimeout(startPass, 150);
}

function startPass(): void {
  timer = null;
  if (running || pending === null) return;
  const slugs = pending === 'all' ? [] : [...pending];
  pending = null;
  const started = Date.now();
  log(`pipeline pass for ${slugs.length === 0 ? 'every post' : slugs.join(', ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'pipeline/dev/cli.ts'), '--budget', budget, ...slugs], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running = child;
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') stream.write(`[pipeline] ${line}\n`);
  };
  child.stdout!.on('data', prefix(process.stdout));
  child.stderr!.on('data', prefix(process.stderr));
  runsChangedDuringPass = false;
  child.on('exit', (code) => {
    running = null;
    if (!stopping) watchRuns();
    log(code === 0 ? `pipeline pass done in ${((Date.now() - started) / 1000).toFixed(1)} s` : `pipeline pass failed (exit ${code}); waiting for the next save`);
    // Runs that appeared during the pass may be ones trained elsewhere that it missed.
    if (runsChangedDuringPass && anyStale()) schedule('all');
    else if (pending !== null) startPass();
  });
}

const watchers: { close(): void }[] = [];
for (const folder of ['content', 'pipeline']) {
  if (!existsSync(path.join(root, folder))) continue;
  // Directory by directory, so a save by rename (sed -i, an editor's safe write) is seen.
  watchers.push(
    watchTree(path.join(root, folder), (relative) => {
      forgetPrintedErrorsSoon();
      if (/\.(ts|mts)$/.test(relative) && !relative.split(path.sep).some((part) => part.startsWith('.'))) queueTypeCheck(path.join(folder, relative));
      const target = affectedPosts(path.join(folder, relative));
      if (target !== null) schedule(target);
    }),
  );
}

// Type errors, which tsx ignores: each saved .ts file is checked in the background
// (pipeline/dev/typecheck.ts, one check at a time, the files saved meanwhile next) and its
// errors shown on the page's overlay until a save fixes them.
const typeCheckQueue = new Set<string>();
let typeChecking = false;
function queueTypeCheck(file: string): void {
  typeCheckQueue.add(file);
  if (!typeChecking) setTimeout(runTypeCheck, 300);
}
function runTypeCheck(): void {
  if (typeChecking || stopping) return;
  // A deleted file is passed too: its errors go with it.
  const files = [...typeCheckQueue];
  typeCheckQueue.clear();
  if (files.length === 0) return;
  typeChecking = true;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'pipeline/dev/typecheck.ts'), errorsDir, ...files], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Background work: the pass that puts the edit on screen goes first.
  try {
    if (child.pid !== undefined) os.setPriority(child.pid, Math.min(19, os.getPriority() + 10));
  } catch {
    // not permitted here: it runs at the same priority
  }
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') process.stderr.write(`[types] ${line}\n`);
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[types] ${chunk}`));
  child.on('exit', () => {
    typeChecking = false;
    if (typeCheckQueue.size > 0) runTypeCheck();
  });
}

// Runs trained elsewhere (`npm run train` in another terminal) end stale notes: a new
// entry in runs/<family>/ starts a pass while any post has stale figures. Only the
// family folders are watched (not each entry), and a pass's own training is ignored.
const runsRoot = path.join(root, 'runs');
let runsChangedDuringPass = false;
const watchedFamilies = new Set<string>();
const anyStale = () => existsSync(path.join(root, 'figures')) && readdirSync(path.join(root, 'figures')).some((slug) => existsSync(path.join(root, 'figures', slug, 'stale.json')));
function onNewRun(name: string | null): void {
  if (!name || !/^[0-9a-f]{16,}$/.test(name)) return;
  if (running) runsChangedDuringPass = true;
  else if (anyStale()) schedule('all');
}
function watchFamilies(): void {
  if (!existsSync(runsRoot)) return;
  for (const family of readdirSync(runsRoot, { withFileTypes: true })) {
    if (!family.isDirectory() || family.name.startsWith('.') || family.name === 'checkpoints' || watchedFamilies.has(family.name)) continue;
    watchedFamilies.add(family.name);
    watchers.push(watch(path.join(runsRoot, family.name), (_event, name) => onNewRun(name?.toString() ?? null)));
  }
}
let runsRootWatched = false;
function watchRuns(): void {
  if (!runsRootWatched && existsSync(runsRoot)) {
    watchers.push(watch(runsRoot, () => watchFamilies()));
    runsRootWatched = true;
  }
  watchFamilies();
}
watchRuns();
startPass();

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const watcher of watchers) watcher.close();
  if (timer) clearTimeout(timer);
  running?.kill('SIGTERM');
  if (astro.exitCode === null && astro.signalCode === null) astro.kill('SIGTERM');
  process.exitCode = code;
}
process.on('SIGINT', () => shutdown(130));
process.on('SIGTERM', () => shutdown(143));
