/**
 * npm run store -- merge DIR… [--into runs]   (npm run store -- --help)
 * Operations on whole run stores. `merge` folds the stores of a sharded sweep (npm run
 * train -- --shard i/N --store DIR) into runs/: every entry verified by checksum, entries
 * already present left alone (merging twice changes nothing), unsound or conflicting
 * entries refused with one line each (exit 1), each entry published atomically.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import { cliCommand } from './command.ts';
import type { MergeOutcome } from '../store/merge.ts';
import { UsageError } from './usage.ts';

// The repository root, without importing provenance.ts (and TypeScript) before --help.
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

const program = cliCommand('npm run store --', 'Operations on whole run stores.', [
  'npm run store -- merge shard-1 shard-2 shard-3      # fold shard stores into runs/',
  'npm run store -- merge shard-* --into /tmp/store    # into another store',
  'npm run store -- merge --help',
]);

program
  .command('merge')
  .description(
    'Merge run stores (e.g. the shards of `npm run train -- --shard i/N --store DIR`) into runs/. Every entry is verified by checksum; entries already present are kept, so merging again is a no-op; a corrupt entry, or one whose tensors differ from the same run already in the destination, is refused with one line and the command exits 1. Each entry appears atomically, so an interrupted merge leaves a consistent store: run it again.',
  )
  .argument('<dirs...>', 'run stores to merge')
  .addOption(new Option('--into <dir>', 'destination store').default(path.join(REPO_ROOT, 'runs'), 'runs/'))
  .option('--verbose', 'one line per entry merged')
  .addHelpText('after', '\nExamples:\n  npm run store -- merge shard-1 shard-2\n  npm run store -- merge artifacts/*/ --into runs\n')
  .action(async (dirs: string[], options: { into: string; verbose?: boolean }) => {
    // Imported only when there is something to merge, so that --help answers at once.
    await import('./errors.ts');
    const { mergeStore } = await import('../store/merge.ts');
    const dest = path.resolve(options.into);
    for (const dir of dirs) {
      if (!existsSync(dir)) throw new UsageError(`npm run store -- merge: ${dir} does not exist`);
      if (!statSync(dir).isDirectory()) throw new UsageError(`npm run store -- merge: ${dir} is not a folder`);
    }
    let refused = 0;
    for (const dir of dirs) {
      const source = path.resolve(dir);
      const show = (outcome: MergeOutcome) => {
        if (outcome.kind === 'refused') console.error(`refused ${outcome.reason}`);
        else if (outcome.kind === 'merged' && options.verbose) console.log(`merged  ${outcome.family}/${outcome.hash}${outcome.replacedCorrupt ? ' (replacing a corrupt entry)' : ''}`);
      };
      const summary = mergeStore(source, dest, show);
      for (const leftover of summary.removedTemporaries) console.log(`run store: removed ${leftover}, left by a writer that was killed`);
      const count = (kind: MergeOutcome['kind']) => summary.outcomes.filter((outcome) => outcome.kind === kind).length;
      refused += count('refused');
      console.log(
        `${dir}: ${summary.outcomes.length} entries — ${count('merged')} merged, ${count('present')} already present${count('refused') > 0 ? `, ${count('refused')} refused` : ''}` +
          (summary.skippedCheckpoints > 0 ? ` (${summary.skippedCheckpoints} unfinished runs' checkpoints not merged: finish that shard first)` : ''),
      );
    }
    if (refused > 0) {
      console.error(`${refused} entr${refused === 1 ? 'y' : 'ies'} refused; ${path.relative(process.cwd(), dest) || dest} holds only verified entries`);
      process.exitCode = 1;
    }
  });

await program.parseAsync();
