/**
 * What the npm scripts preload (`node --import tsx --import ./pipeline/cli/preload.ts`):
 * the error handlers of errors.ts, without importing errors.ts (and the pipeline modules
 * whose error classes it knows) until an error happens. A syntax error in an experiment
 * file fails while a CLI's imports are being linked, before any of its code runs, so the
 * handlers must be in place first; `--help` must not pay for the pipeline (issue 26).
 * Once a CLI imports errors.ts, its own handlers run first and exit.
 */
const fail = (error: unknown): void => {
  import('./errors.ts').then(
    ({ fail: report }) => report(error),
    () => {
      process.stderr.write(`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
};

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
