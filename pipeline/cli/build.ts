/**
 * npm run pipeline: for every post in content/, experiments → runs → figures and tables.
 * Trains only what the store lacks, re-renders only figures and tables whose inputs
 * changed. `npm run build` runs this and then Astro, which assembles each post around
 * figures/<slug>/.
 */
// First: it must be listening before the posts are imported (and validated).
import './errors.ts';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { ensureRuns } from '../stages/runs.ts';
import { renderFigures } from '../stages/figures.ts';
import { renderTables, TABLES_DIR } from '../stages/tables.ts';
import { loadPosts } from '../post/post.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { loadRun } from '../store/runStore.ts';
import { consoleReporter, interruptFlag } from './reporter.ts';
import { applyThreadsOption } from './threads.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: path.join(REPO_ROOT, 'runs') },
    threads: { type: 'string' },
    figures: { type: 'string', default: path.join(REPO_ROOT, 'figures') },
    'force-figures': { type: 'boolean', default: false },
  },
});

applyThreadsOption(values.threads);
const started = Date.now();
const reporter = consoleReporter();
const interrupted = interruptFlag();
const storeRoot = values.store!;
const figuresRoot = values.figures!;

const posts = await loadPosts();
let runCount = 0;
for (const post of posts) {
  reporter.line(`post ${post.slug}`);
  const needed = post.needs().map(post.experimentById);
  runCount += needed.length;
  const runHashes = await ensureRuns(needed, { storeRoot, reporter, shouldStop: interrupted });
  const loadPostRun = (id: string) => loadRun(storeRoot, post.experimentById(id), runHashes.get(id)!);
  const figuresDir = path.join(figuresRoot, post.slug);
  renderFigures(post.figures, { figuresDir, sourceOf: post.figureSource, experimentFileOf: post.experimentFile, runHashes, loadRun: loadPostRun, line: reporter.line, force: values['force-figures'] });
  renderTables(post.tables, { tablesDir: path.join(figuresDir, TABLES_DIR), source: post.moduleFile, runHashes, loadRun: loadPostRun, line: reporter.line, force: values['force-figures'] });
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
