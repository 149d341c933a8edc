/**
 * npm run prune [-- --dry-run] [--store DIR]   (npm run prune -- --help)
 * Removes run-store entries (and checkpoints) that no experiment of any post uses under
 * the current code, e.g. after a post's folder was deleted; --dry-run only lists them.
 * Nothing in use is ever touched, and git still has whatever was committed.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import { cliCommand } from './command.ts';

// The repository root, without importing provenance.ts (and TypeScript) before --help.
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

const values = cliCommand(
  'npm run prune --',
  'Remove run-store entries and checkpoints that no experiment of any post in content/ uses under the current code (after a post was deleted or an experiment edited). Entries in use are never touched; git keeps whatever was committed.',
  ['npm run prune -- --dry-run     # list what would be removed', 'npm run prune                 # remove it'],
)
  .option('--dry-run', 'only list the unused entries')
  .addOption(new Option('--store <dir>', 'run store to prune').default(path.join(REPO_ROOT, 'runs'), 'runs/'))
  .parse()
  .opts<{ dryRun?: boolean; store: string }>();
// Parsed first, so that --help answers at once; the pipeline is imported only now
// (errors.ts first: it must be listening before the posts are imported).
await import('./errors.ts');
const { runHash } = await import('../stages/runs.ts');
const { orphanedEntries } = await import('../store/prune.ts');
const { loadPosts } = await import('../post/post.ts');
const root = values.store;
const remove = !values.dryRun;
// Live: every experiment of every post in content/ (a deleted post's runs become unused).
const posts = await loadPosts();
const live = new Set(posts.flatMap((post) => post.experiments.map(runHash)));
const orphans = orphanedEntries(root, live);
const checkpointDir = path.join(root, 'checkpoints');
const orphanCheckpoints = existsSync(checkpointDir)
  ? readdirSync(checkpointDir).filter((name) => name.endsWith('.safetensors') && !live.has(name.slice(0, -'.safetensors'.length)))
  : [];
for (const entry of orphans) console.log(`${remove ? 'removed' : 'unused'}  ${path.relative(REPO_ROOT, entry.dir)}`);
for (const name of orphanCheckpoints) console.log(`${remove ? 'removed' : 'unused'}  ${path.relative(REPO_ROOT, path.join(checkpointDir, name))}`);
if (remove) {
  for (const entry of orphans) rmSync(entry.dir, { recursive: true, force: true });
  for (const name of orphanCheckpoints) rmSync(path.join(checkpointDir, name), { force: true });
}
console.log(`${orphans.length} unused entries, ${orphanCheckpoints.length} unused checkpoints ${remove ? 'removed' : 'found (npm run prune removes them)'}`);
