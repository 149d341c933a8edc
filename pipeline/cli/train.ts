/**
 * npm run train -- [selectors…] [options]   (npm run train -- --help)
 * Trains the selected experiments (default: every post's) into the run store. A selector
 * is a post slug, a group (`failure`, or `<slug>/failure`), or an experiment id.
 * `--list` shows what the selectors name, `--plan` what is missing and how long it will
 * take, and `--shard i/N` trains a deterministic, cost-balanced 1/N of the missing runs
 * (merge the shards' stores with `npm run store -- merge`).
 */
import { UsageError } from './usage.ts';
import os from 'node:os';
import path from 'node:path';
import { Option } from 'commander';
import { cliCommand, positiveInteger, usage } from './command.ts';
import { ENGINE_IDS, type Experiment } from '../experiments/types.ts';
import type { Selected } from './select.ts';

// The repository root, without importing provenance.ts (and TypeScript) before --help.
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const REPO_STORE = path.join(REPO_ROOT, 'runs');

const program = cliCommand(
  'npm run train --',
  'Train experiments into the run store: every post\'s, or those the selectors name (a post slug, a group such as "failure" or "<slug>/failure", or an experiment id). Runs already in the store are verified and kept; small runs train side by side, one per core; big runs use every core.',
  [
    'npm run train                                   # everything every post needs',
    'npm run train -- training-misses-the-circle     # one post',
    'npm run train -- failure memo-T8                # a group and one experiment',
    'npm run train -- --list failure                 # what a selector names, and what is stored',
    'npm run train -- failure --plan                 # what is missing and how long it will take',
    'npm run train -- --budget 150m                  # stop (checkpointed) after 150 minutes; rerun to continue',
    'npm run train -- failure --shard 2/8 --store shard-2   # one of 8 machines; then npm run store -- merge shard-*',
  ],
)
  .argument('[selectors...]', 'post slugs, groups or experiment ids (default: all)')
  .option('--list', 'list the selected experiments (id, post, group, whether stored) and exit')
  .option('--plan', 'list the runs missing from the store with estimated times, and exit without training')
  .option('--shard <i/N>', 'train only shard i of N: a deterministic, cost-balanced share of the runs missing from runs/')
  .addOption(new Option('--store <dir>', 'run store to read and write').default(REPO_STORE, 'runs/'))
  .option('--force', 'retrain even runs the store holds')
  .option('--budget <duration>', 'stop after this long (e.g. 90s, 150m, 2h), checkpointing unfinished runs')
  .option('--engine <id>', `train every selected experiment on this engine (${ENGINE_IDS.join(', ')}); the same as TRAIN_ENGINE=<id>. The engine is part of a run's hash, so these are separate store entries`)
  .option('--threads <n>', 'threads for a big run (default: every core)')
  .option('--jobs <n>', 'small runs trained at once, one core each (default: every core; 1 trains one run at a time)', positiveInteger('--jobs'))
  .option('--verbose', 'one line per run (cached, training, trained) instead of one per group')
  .parse();

const options = program.opts<{ list?: boolean; plan?: boolean; shard?: string; store: string; force?: boolean; budget?: string; engine?: string; threads?: string; jobs?: number; verbose?: boolean }>();
// Parsed first, so that --help and a mistyped option answer at once; the pipeline is
// imported only now (errors.ts first: it must be listening before the posts are imported).
await import('./errors.ts');
const { loadPosts } = await import('../post/post.ts');
const { estimatedCost, parseShard, shardOf, usesEveryCore } = await import('../stages/cost.ts');
const { estimateSeconds } = await import('../stages/plan.ts');
const { BudgetSpentError, ensureRuns, formatSeconds, InterruptedError, runHash } = await import('../stages/runs.ts');
const { checkpointStatus, readEntry } = await import('../store/runStore.ts');
const { parseDuration } = await import('./duration.ts');
const { consoleReporter, interruptFlag } = await import('./reporter.ts');
const { runGroups, selectRuns } = await import('./select.ts');
const { applyThreadsOption } = await import('./threads.ts');
const { ENGINE_OVERRIDE_VARIABLE, withEffectiveEngine } = await import('../train/engines.ts');

usage(() => applyThreadsOption(options.threads));
if (options.engine !== undefined) {
  if (!(ENGINE_IDS as readonly string[]).includes(options.engine)) throw new UsageError(`--engine ${options.engine}: use one of ${ENGINE_IDS.join(', ')}`);
  process.env[ENGINE_OVERRIDE_VARIABLE] = options.engine;
}
const shard = options.shard === undefined ? null : usage(() => parseShard(options.shard!));
const deadline = options.budget ? Date.now() + usage(() => parseDuration(options.budget!, '--budget')) : Infinity;
const storeRoot = path.resolve(options.store);

const posts = await loadPosts();
let selected: Selected[];
try {
  selected = selectRuns(posts, program.args);
} catch (error) {
  throw new UsageError((error as Error).message);
}
const reporter = consoleReporter({ verbose: options.verbose });
const hashOf = new Map(selected.map(({ experiment }) => [experiment, runHash(experiment)]));
const stored = (entry: Selected, root = storeRoot) => readEntry(root, entry.experiment.data.family, hashOf.get(entry.experiment)!).kind;

if (options.list) {
  const rows = selected.map((entry) => {
    const kind = stored(entry);
    return [entry.experiment.id, entry.post.slug, entry.group, kind === 'ok' ? 'stored' : kind];
  });
  const widths = [0, 1, 2].map((k) => Math.max(...rows.map((row) => row[k].length), ['id', 'post', 'group'][k].length));
  const format = (row: string[]) => row.map((cell, k) => (k < 3 ? cell.padEnd(widths[k]) : cell)).join('  ');
  console.log(format(['id', 'post', 'group', 'store']));
  for (const row of rows) console.log(format(row));
  const storedCount = rows.filter((row) => row[3] === 'stored').length;
  console.log(`${rows.length} experiments, ${storedCount} stored, ${rows.length - storedCount} not (store: ${path.relative(process.cwd(), storeRoot) || '.'})`);
  process.exit(0);
}

// A shard takes its share of the runs missing from the repository's store (the same set
// on every machine of a sweep, whatever each shard has written meanwhile), then skips
// what its own store already holds, so a restarted shard resumes its own share.
if (shard) {
  const missing = new Map<string, Selected>();
  for (const entry of selected) {
    const hash = hashOf.get(entry.experiment)!;
    if (!missing.has(hash) && (options.force || stored(entry, REPO_STORE) !== 'ok')) missing.set(hash, entry);
  }
  const mine = new Set(shardOf([...missing].map(([hash, entry]) => ({ hash, cost: estimatedCost(entry.experiment) })), shard).map((run) => run.hash));
  const total = [...missing.values()].reduce((sum, entry) => sum + estimatedCost(entry.experiment), 0);
  const share = [...mine].reduce((sum, hash) => sum + estimatedCost(missing.get(hash)!.experiment), 0);
  reporter.line(`shard ${shard.index}/${shard.count}: ${mine.size} of the ${missing.size} runs missing from runs/ (${total > 0 ? Math.round((100 * share) / total) : 0}% of their estimated cost)`);
  if (storeRoot === REPO_STORE) {
    reporter.line('note: this shard writes into runs/ itself, so if it is restarted after storing some runs its share is split anew; give each shard its own --store DIR and merge them (npm run store -- merge) to keep shares fixed');
  }
  selected = selected.filter((entry) => mine.has(hashOf.get(entry.experiment)!));
}

if (options.plan) {
  // Each missing run once, as it will be trained (TRAIN_ENGINE / --engine applied).
  const missing = [...new Map(selected.filter((entry) => options.force || stored(entry) !== 'ok').map((entry) => [hashOf.get(entry.experiment)!, entry])).values()].map(
    (entry) => ({ ...entry, experiment: withEffectiveEngine(entry.experiment) }),
  );
  if (missing.length === 0) {
    console.log(`nothing to train: all ${selected.length} selected runs are in ${storeRoot}`);
    process.exit(0);
  }
  // A checkpointed run resumes where it stopped: count only the steps it has left.
  const resumesAt = new Map<Experiment, number>();
  for (const entry of missing) {
    const checkpoint = checkpointStatus(storeRoot, runHash(entry.experiment), entry.experiment);
    if (checkpoint.kind === 'ok') resumesAt.set(entry.experiment, checkpoint.state.step);
  }
  const seconds = await estimateSeconds(missing.map((entry) => entry.experiment), undefined, resumesAt);
  const jobs = Math.max(1, options.jobs ?? os.availableParallelism());
  const small = missing.filter((entry) => !usesEveryCore(entry.experiment));
  const sum = (list: Selected[]) => list.reduce((total, entry) => total + seconds.get(entry.experiment)!, 0);
  const everyRun = missing.length <= 40 || options.verbose;
  const idWidth = Math.max(...missing.map((entry) => entry.experiment.id.length));
  console.log(`${missing.length} runs to train (of ${selected.length} selected), timed from a short calibration of each shape on this machine:`);
  if (everyRun) {
    for (const entry of missing) {
      const { experiment } = entry;
      const resume = resumesAt.has(experiment) ? ` (resumes at step ${resumesAt.get(experiment)})` : '';
      console.log(`  ${experiment.id.padEnd(idWidth)}  ${entry.post.slug}/${entry.group}  ${experiment.steps} steps${resume}  ${usesEveryCore(experiment) ? 'every core' : 'one core'}  ${formatSeconds(seconds.get(experiment)!)}`);
    }
  } else {
    for (const group of runGroups(missing)) {
      const list = missing.filter((entry) => group.experiments.includes(entry.experiment));
      console.log(`  ${group.label}: ${list.length} runs, ${formatSeconds(sum(list))} (${formatSeconds(sum(list) / list.length)} each on average)`);
    }
    console.log('  (--verbose lists every run)');
  }
  // Small runs share the cores (one each); big ones run one after another on all of them.
  const atOnce = Math.min(jobs, Math.max(1, small.length));
  const wall = sum(small) / atOnce + (sum(missing) - sum(small));
  console.log(`total: ${formatSeconds(sum(missing))} of training; about ${formatSeconds(wall)} with ${atOnce} small run${atOnce === 1 ? '' : 's'} at a time`);
  process.exit(0);
}

const interrupted = interruptFlag();
let budgetSpent = false;
try {
  await ensureRuns(runGroups(selected), {
    storeRoot,
    reporter,
    force: options.force,
    jobs: options.jobs,
    shouldStop: () => interrupted() || (budgetSpent ||= Date.now() > deadline),
    preparing: interrupted.preparing,
  });
} catch (error) {
  // A spent budget is the stop the user asked for, not an interruption: its own words and status.
  if (error instanceof InterruptedError && budgetSpent && !interrupted()) throw new BudgetSpentError(options.budget!, error);
  throw error;
}
