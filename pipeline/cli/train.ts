/**
 * npm run train -- [ids…] [--force] [--budget 150m] [--threads N]
 * Trains the named experiments (default: all) into the run store.
 */
// First: it must be listening before the experiments are imported (and validated).
import { UsageError } from './errors.ts';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { experiments, experimentById } from '../experiments/index.ts';
import { ensureRuns } from '../stages/runs.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { consoleReporter, interruptFlag } from './reporter.ts';
import { applyThreadsOption } from './threads.ts';
import { parseDuration } from './duration.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    force: { type: 'boolean', default: false },
    budget: { type: 'string' },
    store: { type: 'string', default: path.join(REPO_ROOT, 'runs') },
    threads: { type: 'string' },
  },
});

const known = experiments.map((e) => e.id);
for (const id of positionals) {
  if (known.includes(id)) continue;
  const similar = known.filter((k) => k.split('-')[0] === id.split('-')[0]).slice(0, 10);
  throw new UsageError(`unknown experiment id "${id}"; ${similar.length > 0 ? `similar ids: ${similar.join(', ')}; ` : ''}${known.length} ids are defined in pipeline/experiments/`);
}
applyThreadsOption(values.threads);
const selected = positionals.length > 0 ? positionals.map(experimentById) : experiments;
const interrupted = interruptFlag();
const deadline = values.budget ? Date.now() + parseDuration(values.budget, '--budget') : Infinity;

await ensureRuns(selected, {
  storeRoot: values.store!,
  reporter: consoleReporter(),
  force: values.force,
  shouldStop: () => interrupted() || Date.now() > deadline,
  preparing: interrupted.preparing,
});
