/**
 * npm run train -- [selectors…] [--force] [--budget 150m] [--threads N] [--engine fused|tfjs|webgpu]
 * Trains the selected experiments (default: every post's) into the run store. A selector
 * is a post slug, a group (`failure`, or `<slug>/failure`), or an experiment id.
 * --engine trains them all on one engine (the same as TRAIN_ENGINE=…; the engine is part
 * of each run's hash, so these are separate store entries).
 */
// First: it must be listening before the posts are imported (and validated).
import { UsageError } from './errors.ts';
import { parseArgs } from 'node:util';
import path from 'node:path';
import type { Experiment } from '../experiments/types.ts';
import { ENGINE_IDS } from '../experiments/types.ts';
import { ENGINE_OVERRIDE_VARIABLE } from '../train/engines.ts';
import { loadPosts } from '../post/post.ts';
import { ensureRuns } from '../stages/runs.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { consoleReporter, interruptFlag } from './reporter.ts';
import { applyThreadsOption } from './threads.ts';
import { parseDuration } from './duration.ts';
import { selectExperiments } from './select.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    force: { type: 'boolean', default: false },
    budget: { type: 'string' },
    store: { type: 'string', default: path.join(REPO_ROOT, 'runs') },
    threads: { type: 'string' },
    engine: { type: 'string' },
  },
});

applyThreadsOption(values.threads);
if (values.engine !== undefined) {
  if (!(ENGINE_IDS as readonly string[]).includes(values.engine)) throw new UsageError(`--engine ${values.engine}: use one of ${ENGINE_IDS.join(', ')}`);
  process.env[ENGINE_OVERRIDE_VARIABLE] = values.engine;
}
const posts = await loadPosts();
let selected: Experiment[];
try {
  selected = selectExperiments(posts, positionals);
} catch (error) {
  throw new UsageError((error as Error).message);
}
const interrupted = interruptFlag();
const deadline = values.budget ? Date.now() + parseDuration(values.budget, '--budget') : Infinity;

await ensureRuns(selected, {
  storeRoot: values.store!,
  reporter: consoleReporter(),
  force: values.force,
  shouldStop: () => interrupted() || Date.now() > deadline,
});
