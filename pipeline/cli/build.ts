/**
 * npm run pipeline: experiments → runs → figures. Trains only what the store lacks,
 * re-renders only figures whose code or runs changed. `npm run build` runs this and
 * then Astro, which assembles the article around figures/.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { experimentById } from '../experiments/index.ts';
import { ensureRuns, InterruptedError } from '../build/runs.ts';
import { renderFigures } from '../build/figures.ts';
import { figures } from '../figures/index.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { loadRun } from '../store/runStore.ts';
import { consoleReporter, interruptFlag } from './reporter.ts';
import { applyThreadsOption } from './threads.ts';
import { ExperimentError } from '../experiments/validate.ts';

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

try {
  const needed = [...new Set(figures.flatMap((figure) => figure.needs))].map(experimentById);
  const runHashes = await ensureRuns(needed, { storeRoot: values.store!, reporter, shouldStop: interrupted });
  renderFigures(figures, {
    figuresDir: values.figures!,
    runHashes,
    loadRun: (id) => loadRun(values.store!, experimentById(id), runHashes.get(id)!),
    line: reporter.line,
    force: values['force-figures'],
  });
  reporter.line(`pipeline done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${needed.length} runs, ${figures.length} figures`);
} catch (error) {
  if (error instanceof InterruptedError || error instanceof ExperimentError) {
    console.error(`\n${error.message}`);
    process.exit(error instanceof InterruptedError ? 130 : 1);
  }
  throw error;
}
