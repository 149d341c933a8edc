/**
 * npm run prune [-- --delete]
 * Lists run-store entries (and checkpoints) that no experiment uses under the current
 * code; --delete removes them. Nothing in use is ever touched.
 */
// First: it must be listening before the experiments are imported (and validated).
import './errors.ts';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { experiments } from '../experiments/index.ts';
import { runHash } from '../stages/runs.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { orphanedEntries } from '../store/prune.ts';

const { values } = parseArgs({
  options: {
    delete: { type: 'boolean', default: false },
    store: { type: 'string', default: path.join(REPO_ROOT, 'runs') },
  },
});
const root = values.store!;
const live = new Set(experiments.map(runHash));
const orphans = orphanedEntries(root, live);
const checkpointDir = path.join(root, 'checkpoints');
const orphanCheckpoints = existsSync(checkpointDir)
  ? readdirSync(checkpointDir).filter((name) => name.endsWith('.safetensors') && !live.has(name.slice(0, -'.safetensors'.length)))
  : [];
for (const entry of orphans) console.log(`${values.delete ? 'removed' : 'unused'}  ${path.relative(REPO_ROOT, entry.dir)}`);
for (const name of orphanCheckpoints) console.log(`${values.delete ? 'removed' : 'unused'}  ${path.relative(REPO_ROOT, path.join(checkpointDir, name))}`);
if (values.delete) {
  for (const entry of orphans) rmSync(entry.dir, { recursive: true, force: true });
  for (const name of orphanCheckpoints) rmSync(path.join(checkpointDir, name), { force: true });
}
console.log(`${orphans.length} unused entries, ${orphanCheckpoints.length} unused checkpoints${values.delete || orphans.length + orphanCheckpoints.length === 0 ? '' : ' (npm run prune -- --delete removes them)'}`);
