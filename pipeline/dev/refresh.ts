/**
 * One pass of the dev loop over one post: bring figures/<slug>/ up to date with the
 * post's code as far as that takes seconds, and say what is left.
 *
 * - Runs the post needs that the store lacks are trained now if cheap (cost.ts: cheapest
 *   first within a budget of seconds); the others are left for `npm run train`.
 * - Figures are rendered by the pipeline's own stage (renderFigures), which re-renders
 *   only what changed: a figure module edit re-renders that figure, an experiment edit
 *   the figures reading it. A figure whose runs are still missing keeps its previous SVG.
 * - Tables likewise (renderTables), unless one of them needs a missing run; then all
 *   keep their previous output (the stage writes its manifest whole).
 * - What is stale goes to figures/<slug>/stale.json with the command that trains it:
 *   `astro dev` shows it on the figure, and every other build refuses to run while it
 *   exists (a full `npm run pipeline` removes it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Experiment } from '../experiments/types.ts';
import { groupName } from '../cli/select.ts';
import type { Post } from '../post/post.ts';
import { renderFigures, STALE_FILE } from '../stages/figures.ts';
import { type Reporter, ensureRuns, formatSeconds, runHash } from '../stages/runs.ts';
import { renderTables, TABLES_DIR } from '../stages/tables.ts';
import { entryDir, runLoader, writeFileAtomic } from '../store/runStore.ts';
import { cheapRuns, estimateSeconds } from './cost.ts';

export interface RefreshOptions {
  storeRoot: string;
  /** figures/: the post's output goes to figures/<slug>/. */
  figuresRoot: string;
  /** Seconds of estimated training a pass may spend on missing runs. */
  budgetSeconds: number;
  reporter: Reporter;
}

export interface StaleNote {
  experiments: string[];
  command: string;
}

export interface RefreshResult {
  trained: string[];
  figures: Record<string, StaleNote>;
  tables: Record<string, StaleNote>;
}

/** At most this many ids on a command line; beyond it, the groups holding them. */
const MAX_IDS_IN_COMMAND = 6;

export async function refreshPost(post: Post, options: RefreshOptions): Promise<RefreshResult> {
  const { storeRoot, reporter } = options;
  const needed = post.needs().map(post.experimentById);
  const hashes = new Map(needed.map((experiment) => [experiment.id, runHash(experiment)]));
  // Presence only; every run a figure reads is verified in full when it is loaded.
  const missing = needed.filter((experiment) => !existsSync(path.join(entryDir(storeRoot, experiment.data.family, hashes.get(experiment.id)!), 'meta.json')));
  const { now, later } = cheapRuns(missing, options.budgetSeconds);
  if (now.length > 0) {
    reporter.line(`training ${now.length} changed run${now.length === 1 ? '' : 's'} (about ${formatSeconds(now.reduce((sum, e) => sum + estimateSeconds(e), 0))})`);
    await ensureRuns([{ label: post.slug, experiments: now }], { storeRoot, reporter });
  }
  const untrained = new Set(later.map((experiment) => experiment.id));
  if (later.length > 0) {
    reporter.line(`${later.length} run${later.length === 1 ? '' : 's'} left untrained (about ${formatSeconds(later.reduce((sum, e) => sum + estimateSeconds(e), 0))}): ${commandFor(post, later.map((e) => e.id))}`);
  }

  const runHashes = new Map([...hashes].filter(([id]) => !untrained.has(id)));
  const load = runLoader(storeRoot, (id) => post.experimentById(id), (id) => runHashes.get(id)!);
  const staleOf = (needs: readonly string[]): StaleNote | undefined => {
    const ids = needs.filter((id) => untrained.has(id));
    return ids.length > 0 ? { experiments: ids, command: commandFor(post, ids) } : undefined;
  };
  const result: RefreshResult = { trained: now.map((e) => e.id), figures: {}, tables: {} };
  for (const figure of post.figures) {
    const note = staleOf(figure.needs);
    if (note) result.figures[figure.id] = note;
  }
  for (const table of post.tables) {
    const note = staleOf(table.needs);
    if (note) result.tables[table.id] = note;
  }

  const figuresDir = path.join(options.figuresRoot, post.slug);
  await renderFigures(post.figures, {
    figuresDir,
    sourceOf: post.figureSource,
    experimentFileOf: post.experimentFile,
    runHashes,
    loadRun: load,
    line: reporter.line,
    keep: new Set(Object.keys(result.figures)),
  });
  if (Object.keys(result.tables).length === 0) {
    renderTables(post.tables, { tablesDir: path.join(figuresDir, TABLES_DIR), source: post.moduleFile, runHashes, loadRun: load, line: reporter.line });
  }
  // renderFigures has just removed any previous note; write the current one.
  if (Object.keys(result.figures).length > 0 || Object.keys(result.tables).length > 0) {
    writeFileAtomic(path.join(figuresDir, STALE_FILE), `${JSON.stringify({ figures: result.figures, tables: result.tables }, null, 2)}\n`);
    const ids = [...Object.keys(result.figures), ...Object.keys(result.tables)];
    reporter.line(`stale until trained: ${ids.join(', ')}`);
  }
  return result;
}

/** `npm run train -- <ids>`, or the groups holding them when there are many. */
export function commandFor(post: Post, ids: readonly string[]): string {
  if (ids.length <= MAX_IDS_IN_COMMAND) return `npm run train -- ${ids.join(' ')}`;
  const wanted = new Set(ids);
  const groups = post.groups
    .filter((group) => group.experiments.some((experiment: Experiment) => wanted.has(experiment.id)))
    .map((group) => `${post.slug}/${groupName(group.file)}`);
  return `npm run train -- ${groups.join(' ')}`;
}
