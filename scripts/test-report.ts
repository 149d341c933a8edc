/**
 * What scripts/test.ts reads from the runners' JSON reports: the counts, and the baselines
 * (SVG snapshots, screenshots) a test expected and did not find, so that a new post's
 * first `npm test` ends with one list and the one command that records them.
 */
import path from 'node:path';

export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { failureMessages: string[] }[] }[];
}

export interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number };
  suites: PlaywrightSuite[];
}

interface PlaywrightSuite {
  suites?: PlaywrightSuite[];
  specs?: { tests: { results: { errors: { message?: string }[] }[] }[] }[];
}

/** The message tests/unit/figure-snapshots.test.ts fails with when a figure has no snapshot. */
export function missingSnapshotMessage(file: string): string {
  return `no SVG snapshot ${file} yet: record it with \`npm run test:update\`, look at it, and commit it`;
}

/** Repository-relative paths of the baselines the failed tests of both reports did not find. */
export function missingBaselines(vitest: VitestReport | null, playwright: PlaywrightReport | null, root: string): string[] {
  const files = new Set<string>();
  for (const file of vitest?.testResults ?? [])
    for (const test of file.assertionResults)
      for (const message of test.failureMessages) for (const match of message.matchAll(/no SVG snapshot (\S+) yet/g)) files.add(match[1]!);
  const visit = (suite: PlaywrightSuite): void => {
    suite.suites?.forEach(visit);
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests)
        for (const result of test.results)
          for (const error of result.errors)
            // Playwright ends the sentence with a full stop; ANSI colours may follow.
            for (const match of (error.message ?? '').matchAll(/A snapshot doesn't exist at (\S+?)\.?(?=\s|\u001b|$)/g)) files.add(path.relative(root, path.resolve(root, match[1]!)));
  };
  playwright?.suites.forEach(visit);
  return [...files].sort();
}

/** The closing advice when baselines are missing, or '' when none are. */
export function missingBaselinesAdvice(files: string[]): string {
  if (files.length === 0) return '';
  const count = files.length === 1 ? '1 baseline is' : `${files.length} baselines are`;
  return `\n${count} not recorded yet (a new post or figure):\n${files.map((file) => `  ${file}\n`).join('')}Record them with \`npm run test:update\`, look at them, and commit them.\n`;
}

/** "12 min 5 s", "48 s": the suite's duration beside its counts. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  return minutes > 0 ? `${minutes} min ${total % 60} s` : `${total} s`;
}
