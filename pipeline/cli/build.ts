/**
 * npm run pipeline: experiments → runs → figures. Trains only what the store lacks,
 * re-renders only figures whose code or runs changed. `npm run build` runs this and
 * then Astro, which assembles the article around figures/.
 */
// First: it must be listening before the experiments are imported (and validated).
import './errors.ts';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { experimentById } from '../experiments/index.ts';
import { ensureRuns } from '../stages/runs.ts';
import { renderFigures } from '../stages/figures.ts';
import { figures } from '../figures/index.ts';
import { renderTables, TABLES_DIR } from '../stages/tables.ts';
import { tables } from '../tables/index.ts';
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

const needed = [...new Set([...figures, ...tables].flatMap((item) => item.needs))].map(experimentById);
const runHashes = await ensureRuns(needed, { storeRoot: values.store!, reporter, shouldStop: interrupted });
renderFigures(figures, {
  figuresDir: values.figures!,
  runHashes,
  loadRun: (id) => loadRun(values.store!, experimentById(id), runHashes.get(id)!),
  line: reporter.line,
  force: values['force-figures'],
});
renderTables(tables, {
  tablesDir: path.join(values.figures!, TABLES_DIR),
  runHashes,
  loadRun: (id) => loadRun(values.store!, experimentById(id), runHashes.get(id)!),
  line: reporter.line,
  force: values['force-figures'],
});
reporter.line(`pipeline done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${needed.length} runs, ${figures.length} figures, ${tables.length} tables`);
