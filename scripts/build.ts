/**
 * npm run build: the pipeline (npm run pipeline: runs, figures, tables), then the site
 * (scripts/site.ts: Astro into a temporary folder, swapped into dist/). Options are the
 * pipeline's; `--help` prints them and builds nothing. One script rather than two joined
 * by `&&` in package.json, because npm appends `-- <args>` to the last command only,
 * which sent them to Astro.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { siteEnvProblem } from '../src/plugins/site-env.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

// A wrong SITE_BASE, SITE_URL or OUT_DIR is said before the pipeline runs, not after it.
const envProblem = siteEnvProblem(process.env, root);
if (envProblem) {
  process.stderr.write(`build: ${envProblem}\n`);
  process.exit(1);
}

const parent = process.ppid;

/** How long a Ctrl-C waits before it is passed on to a child that did not get its own copy (node() below). */
const SIGINT_GRACE_MS = 2_000;

/**
 * Runs a script to its end. A signal sent to this process is passed on and waited for, and
 * so is the end of npm (SIGTERM to npm alone): the pipeline then checkpoints and stops, as
 * `npm run train` does, instead of training on as an orphan.
 */
async function node(script: string, scriptArgs: string[], imports: string[]): Promise<number> {
  const child = spawn(process.execPath, [...imports.flatMap((i) => ['--import', i]), path.join(root, script), ...scriptArgs], { cwd: root, stdio: 'inherit' });
  let running = true;
  const forward = (signal: NodeJS.Signals) => running && child.kill(signal);
  // A terminal's Ctrl-C reaches the whole process group, the child too, so SIGINT is passed
  // on only if the child still runs a moment later (then it was sent to this process alone,
  // e.g. `kill -INT`). Passed on at once, the second copy can land in the instant when a
  // figure render's node:vm watchdog has let go of SIGINT and Node has not yet put the
  // child's own handler back (it detaches SIGINT listeners around a breakOnSigint run):
  // the child then dies by the signal's default action without a word.
  const forwardInterrupt = () => setTimeout(() => forward('SIGINT'), SIGINT_GRACE_MS).unref();
  process.on('SIGINT', forwardInterrupt).on('SIGTERM', forward);
  const orphaned = setInterval(() => process.ppid !== parent && forward('SIGTERM'), 250);
  const code = await new Promise<number>((resolve) =>
    child.on('close', (exit, signal) => {
      // Ended by the signal's default action, the child printed nothing: say what stopped it.
      if (signal === 'SIGINT') process.stderr.write('\ninterrupted\n');
      resolve(exit ?? (signal === 'SIGINT' ? 130 : 143));
    }),
  );
  running = false;
  clearInterval(orphaned);
  process.off('SIGINT', forwardInterrupt).off('SIGTERM', forward);
  return code;
}

const pipeline = await node('pipeline/cli/build.ts', args, ['tsx', './pipeline/cli/errors.ts']);
if (pipeline !== 0 || process.ppid !== parent) process.exit(pipeline || 143);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write('\nnpm run build runs the pipeline with these options, then builds the site into dist/ (OUT_DIR; SITE_BASE for a sub-path).\n');
  process.exit(0);
}
process.exit(await node('scripts/site.ts', [], ['tsx']));
