/**
 * `run-summary` (a post's "Reproduce it" section): the commands that rebuild the site (read
 * from README.md), the hardware and software the runs record, and every run the post
 * uses: one row per experiment group in the page, and one row per run in runs.csv, which
 * is written next to the table and served with the site.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Claim } from './claim.ts';
import type { Figure } from './figure.ts';
import type { RunSet } from './figure.ts';
import { formatInteger, formatLossRange } from './format.ts';
import { REPO_ROOT } from '../store/provenance.ts';
import { ADAM_EPS } from '../train/adamw.ts';
import type { LoadedRun } from '../store/types.ts';
import { moduleFile, type Table, type TableOutput } from './table.ts';
import { csvLine, escapeHtml, htmlTable } from './html.ts';

export const RUNS_CSV = 'runs.csv';

/** Wall time for people: "0.4 s", "38 s", "12 min", "2 h 05 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The shell code blocks of README.md's "The two commands" section. */
export function readmeCommands(readme: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('The two commands')) ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1].trim());
}

function groupName(file: string): string {
  return path.basename(file, '.ts');
}

const CSV_HEAD = [
  'experiment_id', 'group', 'hash', 'family', 'n', 'S', 'T', 'batch', 'm', 'bias', 'seed', 'data_seed', 'init_seed', 'steps',
  'schedule', 'lr', 'warmup_steps', 'weight_decay', 'loss_reduction', 'adam_eps', 'engine', 'backend', 'threads', 'node', 'wall_seconds', 'final_loss', 'test_loss', 'created_at',
];

function csvRow(run: LoadedRun, group: string): (string | number)[] {
  const c = run.meta.config;
  const d = c.data;
  return [
    // T is the training-set size; a data stream (fresh batch every step) has T = inf and a batch size.
    run.experiment.id, group, run.hash, d.family, d.n, d.family === 'identity' ? '' : d.S,
    d.family === 'sparse' ? d.T : d.family === 'identity' ? d.n : 'inf', d.family === 'sparse-stream' ? d.batch : '', c.m, String(c.bias),
    c.seed, c.dataSeed ?? '', c.initSeed ?? '', run.meta.steps, c.schedule.kind, c.schedule.kind === 'constant' ? c.schedule.lr : c.schedule.peakLr,
    c.schedule.kind === 'warmup-cosine' ? c.schedule.warmupSteps : '', c.weightDecay, c.lossReduction ?? 'sum', c.adamEps ?? ADAM_EPS, run.meta.engine.id, run.meta.engine.backend,
    run.meta.engine.threads, run.meta.versions.node, run.meta.wallSeconds, run.meta.finalLoss, run.meta.testLoss ?? '', run.meta.createdAt,
  ];
}

export function runSummary(runs: RunSet, groups: readonly { file: string; experiments: readonly { id: string }[] }[], readme: string): TableOutput {
  const all = [...runs.values()];
  const groupOf = new Map<string, string>();
  for (const group of groups) for (const e of group.experiments) groupOf.set(e.id, groupName(group.file));
  // Groups in the order of pipeline/experiments/index.ts.
  const byGroup = new Map<string, LoadedRun[]>(groups.map((group) => [groupName(group.file), []]));
  for (const run of all) {
    const name = groupOf.get(run.experiment.id) ?? 'other';
    byGroup.set(name, [...(byGroup.get(name) ?? []), run]);
  }
  const distinct = (values: string[]) => [...new Set(values)].join(', ');
  for (const [name, list] of byGroup) if (list.length === 0) byGroup.delete(name);
  const groupRows = [...byGroup.entries()].map(([name, list]) => {
    const losses = list.map((r) => r.meta.finalLoss);
    const steps = list.map((r) => r.meta.steps);
    const minSteps = Math.min(...steps);
    const maxSteps = Math.max(...steps);
    return [
      { html: `<code>${escapeHtml(name)}</code>` },
      formatInteger(list.length),
      distinct(list.map((r) => `${r.meta.engine.id}/${r.meta.engine.backend}`)),
      minSteps === maxSteps ? formatInteger(minSteps) : `${formatInteger(minSteps)}–${formatInteger(maxSteps)}`,
      formatDuration(list.reduce((s, r) => s + r.meta.wallSeconds, 0)),
      formatLossRange(Math.min(...losses), Math.max(...losses)),
    ];
  });
  const platforms = new Map<string, number>();
  for (const run of all) {
    const key = `${run.meta.engine.id} engine, ${run.meta.engine.backend} backend, ${run.meta.engine.threads} thread${run.meta.engine.threads === 1 ? '' : 's'}, Node ${run.meta.versions.node}`;
    platforms.set(key, (platforms.get(key) ?? 0) + 1);
  }
  const totalWall = all.reduce((s, r) => s + r.meta.wallSeconds, 0);
  const commands = readmeCommands(readme);
  const html = [
    `<p class="reproduce-commands-lead">From a fresh checkout (README.md, “The two commands”):</p>`,
    ...commands.map((command) => `<pre class="reproduce-command"><code>${escapeHtml(command)}</code></pre>`),
    `<p class="reproduce-hardware">Software and threads recorded in the run metadata: ${[...platforms.entries()]
      .map(([key, count]) => `${escapeHtml(key)} (${formatInteger(count)} run${count === 1 ? '' : 's'})`)
      .join('; ')}.</p>`,
    htmlTable({
      className: 'run-summary',
      caption: `Every run the article uses, by experiment group: ${formatInteger(all.length)} runs, ${formatDuration(totalWall)} of training in total. One row per run, with its provenance hash: ${RUNS_CSV}.`,
      head: ['Group', 'Runs', 'Engine', 'Steps', 'Wall time', 'Final loss'],
      rows: groupRows,
    }),
    `<p class="reproduce-csv"><a href="${RUNS_CSV}" download>${RUNS_CSV}</a>: every run with its provenance hash, configuration, engine, steps, wall time and final loss.</p>`,
  ].join('\n');
  const sorted = [...all].sort((a, b) => (a.experiment.id < b.experiment.id ? -1 : a.experiment.id > b.experiment.id ? 1 : 0));
  const csv = [csvLine(CSV_HEAD), ...sorted.map((run) => csvLine(csvRow(run, groupOf.get(run.experiment.id) ?? 'other')))].join('\n') + '\n';
  return {
    html,
    numbers: {
      'run-summary.runCount': formatInteger(all.length),
      'run-summary.totalWall': formatDuration(totalWall),
      'run-summary.groupCount': String(byGroup.size),
    },
    files: { [RUNS_CSV]: csv },
  };
}

/** Every experiment a figure or a claim of one post reads: exactly that post's runs. */
export function postExperimentIds(post: { figures: readonly Figure[]; claims: readonly Claim[] }): string[] {
  return [...new Set([...post.figures.flatMap((f) => f.needs), ...post.claims.flatMap((c) => c.needs)])];
}

/** A post's run summary table (`::table[run-summary]`) and its runs.csv. */
export function runSummaryTable(post: {
  figures: readonly Figure[];
  claims: readonly Claim[];
  groups: readonly { file: string; experiments: readonly { id: string }[] }[];
}): Table {
  // Read once, so that the key and the render see the same README.
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  return {
    id: 'run-summary',
    needs: postExperimentIds(post),
    // Keyed on what it reads, not on the post's figures' code: its own module, the
    // README's commands (not the rest of the README) and which group holds which run.
    code: [moduleFile(import.meta.url)],
    data: {
      commands: readmeCommands(readme),
      groups: post.groups.map((group) => ({ group: groupName(group.file), experiments: group.experiments.map((e) => e.id) })),
    },
    render: (runs) => runSummary(runs, post.groups, readme),
  };
}
