/**
 * npm run prune [-- --dry-run]
 * Removes run-store entries (and checkpoints) that no experiment of any post uses under
 * the current code, e.g. after a post's folder was deleted; --dry-run only lists them.
 * Nothing in use is ever touched, and git still has whatever was committed.
 */
// First: it must be listening before the posts are imported (and validated).
import './errors.ts';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runHash } from '../stages/runs.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { orphanedEntries } from '../store/prune.ts';
import { loadPosts } from '../post/post.ts';

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    store: { type: 'string', default: path.join(REPO_ROOT, 'runs') },
  },
});
const root = values.store!;
const remove = !values['dry-run'];
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
