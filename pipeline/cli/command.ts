/**
 * What every CLI's command line shares (commander): `--help` with examples, one-line
 * errors for unknown options and missing values (with the closest option suggested),
 * and option values checked into UsageErrors (errors.ts prints those as one line too).
 */
import { Command } from 'commander';
import { UsageError } from './usage.ts';

/** A command named as the user types it, e.g. "npm run train --". */
export function cliCommand(name: string, description: string, examples: readonly string[]): Command {
  return new Command(name)
    .description(description)
    .helpOption('-h, --help', 'show this help and exit')
    .showSuggestionAfterError(true)
    .configureOutput({
      // commander puts "(Did you mean …?)" on a second line; a mistake is one line.
      outputError: (text, write) => write(`${text.trimEnd().replace(/\n+/g, ' ')}\n`),
    })
    .addHelpText('after', `\nExamples:\n${examples.map((example) => `  ${example}`).join('\n')}\n`);
}

/** A positive integer option value, or a one-line UsageError naming the option. */
export function positiveInteger(option: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(number) || number < 1) throw new UsageError(`${option} must be a positive integer, got "${value}"`);
    return number;
  };
}

/** Runs `parse` and turns a plain Error from it (a bad option value) into a UsageError. */
export function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError || !(error instanceof Error)) throw error;
    throw new UsageError(error.message);
  }
}
