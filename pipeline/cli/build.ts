/**
 * npm run pipeline: for every post in content/, experiments → runs → figures and tables.
 * Trains only what the store lacks (every post's runs together, so small runs share the
 * cores), re-renders only figures and tables whose inputs changed. `npm run build` runs
 * this and then Astro, which assembles each post around figures/<slug>/.
 */
import { existsSync, readdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import { cliCommand, positiveInteger, usage } from './command.ts';

// The repository root, without importing provenance.ts (and TypeScript) before --help.
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

const program = cliCommand(
  'npm run pipeline --',
  'For every post in content/: train the runs its figures, tables and claims need that the store lacks, then render the figures and tables whose inputs changed. `npm run build` runs this, then the site (Astro).',
  [
    'npm run pipeline                                    # what npm run build does before the site',
    'npm run pipeline -- --verbose                       # one line per run',
    'npm run pipeline -- --store /tmp/store --figures /tmp/figures   # try things without touching runs/ and figures/',
  ],
)
  .addOption(new Option('--store <dir>', 'run store to read and write').default(path.join(REPO_ROOT, 'runs'), 'runs/'))
  .addOption(new Option('--figures <dir>', 'where figures/<slug>/ are written').default(path.join(REPO_ROOT, 'figures'), 'figures/'))
  .option('--force-figures', 're-render every figure and table even when cached')
  .option('--threads <n>', 'threads for a big run (default: every core)')
  .option('--jobs <n>', 'small runs trained at once, one core each (default: every core)', positiveInteger('--jobs'))
  .option('--verbose', 'one line per run instead of one per group')
  .parse();
const options = program.opts<{ store: string; figures: string; forceFigures?: boolean; threads?: string; jobs?: number; verbose?: boolean }>();
// Parsed first, so that --help and a mistyped option answer at once; the pipeline is
// imported only now (errors.ts first: it must be listening before the posts are imported).
await import('./errors.ts');
const { ensureRuns } = await import('../stages/runs.ts');
const { interruptionMessage, renderFigures } = await import('../stages/figures.ts');
const { renderTables, TABLES_DIR } = await import('../stages/tables.ts');
const { loadPosts } = await import('../post/post.ts');
const { runLoader } = await import('../store/runStore.ts');
const { consoleReporter, interruptFlag } = await import('./reporter.ts');
const { groupName } = await import('./select.ts');
const { applyThreadsOption } = await import('./threads.ts');

usage(() => applyThreadsOption(options.threads));
const started = Date.now();
const reporter = consoleReporter({ verbose: options.verbose });
const interrupted = interruptFlag();
const storeRoot = options.store;
const figuresRoot = options.figures;

const posts = await loadPosts();
// Every post's needed runs, by post and group, trained together.
const groups = posts.flatMap((post) => {
  const needed = new Set(post.needs());
  return post.groups
    .map((group) => ({ label: `${post.slug}/${groupName(group.file)}`, experiments: group.experiments.filter((e) => needed.has(e.id)) }))
    .filter((group) => group.experiments.length > 0);
});
const runHashes = await ensureRuns(groups, { storeRoot, reporter, jobs: options.jobs, shouldStop: interrupted, preparing: interrupted.preparing });
const runCount = groups.reduce((sum, group) => sum + group.experiments.length, 0);
// Training is over: nothing is left to checkpoint, so signals end the process at once. A
// figure's render() is synchronous and holds the thread, so no handler runs while one
// renders: SIGTERM takes its default action, and Ctrl-C inside a render is caught by the
// render's own watchdog (callRender). Ctrl-C keeps a handler all the same: a terminal's
// Ctrl-C arrives twice (directly, and forwarded by scripts/build.ts), and the second must
// not kill the process before the first's message is printed. Every file here is written
// atomically.
interrupted.preparing(true);
// writeSync, as in errors.ts's fail(): the line must be out before process.exit().
process.on('SIGINT', () => {
  writeSync(2, `\n${interruptionMessage() ?? 'interrupted; every figure and table written so far is complete'}\n`);
  process.exit(130);
});

for (const post of posts) {
  const hashes = new Map(post.needs().map((id) => [id, runHashes.get(id)!]));
  // Each run is read and verified once per pipeline, however many figures and tables read it.
  const loadPostRun = runLoader(storeRoot, (id) => post.experimentById(id), (id) => hashes.get(id)!);
  const figuresDir = path.join(figuresRoot, post.slug);
  const line = (text: string) => reporter.line(`${post.slug}: ${text}`);
  await renderFigures(post.figures, { figuresDir, sourceOf: post.figureSource, experimentFileOf: post.experimentFile, runHashes: hashes, loadRun: loadPostRun, line, force: options.forceFigures });
  renderTables(post.tables, { tablesDir: path.join(figuresDir, TABLES_DIR), source: post.moduleFile, runHashes: hashes, loadRun: loadPostRun, line, force: options.forceFigures });
}

// A deleted post's figures must not linger: figures/ holds exactly one folder per post.
if (existsSync(figuresRoot)) {
  const slugs = new Set(posts.map((post) => post.slug));
  for (const entry of readdirSync(figuresRoot, { withFileTypes: true })) {
    if (entry.isDirectory() && !slugs.has(entry.name)) {
      rmSync(path.join(figuresRoot, entry.name), { recursive: true, force: true });
      reporter.line(`figures/${entry.name}  removed (no post content/${entry.name} any more)`);
    }
  }
}
reporter.line(`pipeline done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${posts.length} post${posts.length === 1 ? '' : 's'}, ${runCount} runs`);
