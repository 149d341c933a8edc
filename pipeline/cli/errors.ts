/**
 * How the CLIs end on an error. Mistakes a user can fix (a bad experiment, a diverged
 * run, an unknown id, a store from newer code) and interruptions print their message
 * alone, no stack trace, and exit non-zero; anything else is a bug and keeps its stack.
 *
 * Import this module FIRST in a CLI: experiments are validated while their module is
 * imported, so the handler must be in place before that import runs.
 */
import { ExperimentError } from '../experiments/validate.ts';
import { InterruptedError, RunDivergedError, StoreFormatError } from '../stages/runs.ts';
import { PostError } from '../post/post.ts';
import { EngineOverrideError } from '../train/engines.ts';
import { NoAdapterError } from '../train/webgpu/device.ts';

/** A mistake on the command line (unknown experiment id, bad option value). */
export class UsageError extends Error {}

/** Exit status for an error, and whether its message alone says everything. */
export function exitStatusOf(error: unknown): { status: number; expected: boolean } {
  if (error instanceof InterruptedError) return { status: 130, expected: true };
  if (error instanceof ExperimentError || error instanceof PostError || error instanceof RunDivergedError || error instanceof StoreFormatError || error instanceof UsageError || error instanceof EngineOverrideError || error instanceof NoAdapterError) {
    return { status: 1, expected: true };
  }
  // node:util parseArgs: unknown option, missing value.
  if (typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS')) return { status: 2, expected: true };
  return { status: 1, expected: false };
}

function fail(error: unknown): never {
  const { status, expected } = exitStatusOf(error);
  process.stderr.write(`\n${expected ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(status);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
