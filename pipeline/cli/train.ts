/**
 * npm run train -- [ids…] [--force] [--budget 150m] [--threads N]
 * Trains the named experiments (default: all) into the run store.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { experiments, experimentById } from '../experiments/index.ts';
import { ensureRuns, InterruptedError } from '../build/runs.ts';
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

applyThreadsOption(values.threads);
const selected = positionals.length > 0 ? positionals.map(experimentById) : experiments;
const interrupted = interruptFlag();
const deadline = values.budget ? Date.now() + parseDuration(values.budget, '--budget') : Infinity;

try {
  await ensureRuns(selected, {
    storeRoot: values.store!,
    reporter: consoleReporter(),
    force: values.force,
    shouldStop: () => interrupted() || Date.now() > deadline,
  });
} catch (error) {
  if (error instanceof InterruptedError) {
    console.error(error.message);
    process.exit(130);
  }
  throw error;
}
