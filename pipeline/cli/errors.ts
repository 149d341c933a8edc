/**
 * How the CLIs end on an error. Mistakes a user can fix (a bad experiment, a syntax
 * error in a source file, a diverged run, an unknown id or bad option, a store from
 * newer code, a read-only, full or damaged store, a missing package-lock.json, a figure or
 * table module that throws, hangs or returns unusable output) and interruptions print their message alone, no stack trace, and exit
 * non-zero; anything else is a bug and keeps its stack.
 *
 * The npm scripts preload this module (`node --import tsx --import ./pipeline/cli/errors.ts`):
 * a syntax error in an experiment file fails while the CLI's imports are being linked,
 * before any of the CLI's own code (even its first import) runs. CLIs also import it
 * first, for when they are started without the preload.
 */
import { writeSync } from 'node:fs';
import path from 'node:path';
import { ExperimentError } from '../experiments/validate.ts';
import { BUDGET_SPENT_STATUS, BudgetSpentError, InterruptedError, RunDivergedError, StoreError, StoreFormatError, TrainingFailedError } from '../stages/runs.ts';
import { LockFileError } from '../stages/dependencies.ts';
import { RenderError, RenderInterruptedError } from '../stages/render-errors.ts';
import { PostError } from '../post/post.ts';
import { FrontMatterError } from '../post/front-matter.ts';
import { EngineOverrideError } from '../train/engines.ts';
import { NoAdapterError } from '../train/webgpu/device.ts';
import { UsageError } from './usage.ts';
import { wasmMemoryMessage } from './memory.mjs';

export { UsageError };

/**
 * tsx (esbuild) could not compile a source file: "Transform failed with 1 error:\n
 * <file>:<line>:<column>: ERROR: <text>". Returns that as one line, or null.
 */
export function syntaxErrorMessage(error: unknown): string | null {
  if (!(error instanceof Error) || error.name !== 'TransformError') return null;
  const match = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(error.message);
  if (!match) return null;
  const [, file, line, column, text] = match;
  const shown = path.isAbsolute(file) ? path.relative(process.cwd(), file) : file;
  return `${shown}:${line}:${column}: syntax error: ${text}. Fix it in that file and run the command again.`;
}

/** Exit status for an error, and whether its message alone says everything. */
export function exitStatusOf(error: unknown): { status: number; expected: boolean } {
  if (error instanceof InterruptedError || error instanceof RenderInterruptedError) return { status: 130, expected: true };
  if (error instanceof BudgetSpentError) return { status: BUDGET_SPENT_STATUS, expected: true };
  if (syntaxErrorMessage(error) !== null) return { status: 1, expected: true };
  if (
    error instanceof ExperimentError ||
    error instanceof PostError ||
    error instanceof FrontMatterError ||
    error instanceof RunDivergedError ||
    error instanceof TrainingFailedError ||
    error instanceof StoreFormatError ||
    error instanceof StoreError ||
    error instanceof UsageError ||
    error instanceof EngineOverrideError ||
    error instanceof NoAdapterError ||
    error instanceof LockFileError ||
    error instanceof RenderError
  ) {
    return { status: 1, expected: true };
  }
  // node:util parseArgs: unknown option, missing value.
  if (typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS')) return { status: 2, expected: true };
  return { status: 1, expected: false };
}

/**
 * Ends the process with the error's message. Written with writeSync: process.stderr.write
 * to a pipe did not always reach it before process.exit() (an interruption line went
 * missing about one time in four in tests/unit/robustness-figures.test.ts).
 */
export function fail(error: unknown): never {
  const memory = wasmMemoryMessage(error);
  if (memory !== null) {
    writeSync(2, `\n${memory}\n`);
    process.exit(1);
  }
  const { status, expected } = exitStatusOf(error);
  const message = syntaxErrorMessage(error) ?? (error as Error).message;
  writeSync(2, `\n${expected ? message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(status);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
