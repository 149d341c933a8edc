/**
 * One pass of the dev loop, run by scripts/dev.ts in a fresh process each time (so it
 * imports the code as it is now, edits included):
 *
 *   node --import tsx pipeline/dev/cli.ts [--budget 5] [--store runs] [--figures figures] [slug…]
 *
 * Without slugs, every post. Prints what it did, one line each; exits 1 (with the
 * error, no stack trace for a post that does not load) when a post cannot be refreshed,
 * after trying the others.
 */
// First: experiments are validated while post modules are imported.
import { exitStatusOf } from '../cli/errors.ts';
import { parseArgs } from 'node:util';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../store/runStore.ts';
import { loadPost, postSlugs } from '../post/post.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { consoleReporter } from '../cli/reporter.ts';
import { refreshPost } from './refresh.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    budget: { type: 'string', default: process.env.DEV_TRAIN_BUDGET ?? '5' },
    store: { type: 'string', default: path.join(REPO_ROOT, 'runs') },
    figures: { type: 'string', default: path.join(REPO_ROOT, 'figures') },
  },
});

const budgetSeconds = Number(values.budget);
if (!Number.isFinite(budgetSeconds) || budgetSeconds < 0) {
  process.stderr.write(`--budget must be a number of seconds, got ${JSON.stringify(values.budget)}\n`);
  process.exit(2);
}

/**
 * Under `npm run dev`, a post's current error goes to DEV_ERRORS_DIR/<slug>.txt, which the
 * dev server shows as an overlay on the post's last good page (src/plugins/dev-errors.ts);
 * a pass that refreshes the post removes it.
 */
function reportError(slug: string, line: string | null): void {
  const dir = process.env.DEV_ERRORS_DIR;
  if (!dir) return;
  const file = path.join(dir, `${slug}.txt`);
  if (line === null) rmSync(file, { force: true });
  else {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(file, `${line}\n`);
  }
}

const reporter = consoleReporter();
const posts = postSlugs();
// A post folder deleted (or not yet holding a post.md) since the save has nothing to refresh.
const slugs = positionals.length > 0 ? positionals.filter((slug) => posts.includes(slug)) : posts;
let failed = false;
for (const slug of slugs) {
  const started = Date.now();
  try {
    const post = await loadPost(slug);
    const result = await refreshPost(post, { storeRoot: values.store!, figuresRoot: values.figures!, budgetSeconds, reporter });
    reportError(slug, null);
    const stale = Object.keys(result.figures).length + Object.keys(result.tables).length;
    reporter.line(`post ${slug}: up to date in ${((Date.now() - started) / 1000).toFixed(1)} s${result.trained.length > 0 ? `, trained ${result.trained.length}` : ''}${stale > 0 ? `, ${stale} stale` : ''}`);
  } catch (error) {
    failed = true;
    // A mistake a user can fix reads as its message; a bug in a module keeps its stack.
    const message = exitStatusOf(error).expected ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`post ${slug}: not refreshed: ${message}\n  (the page keeps showing the last figures; fix the file and save again)\n`);
    reportError(slug, `post ${slug} not refreshed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
}
process.exit(failed ? 1 : 0);
