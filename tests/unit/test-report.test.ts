/**
 * npm test's closing lines (scripts/test-report.ts): the duration beside the counts, and a
 * new post's missing baselines gathered from both runners under the one command that
 * records them. Both runners must treat a missing baseline alike, in CI and out: fail,
 * and write nothing into the post's folder.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, missingBaselines, missingBaselinesAdvice, missingSnapshotMessage, type PlaywrightReport, type VitestReport } from '../../scripts/test-report.ts';
import { REPO_ROOT } from '../../pipeline/store/provenance.ts';
import vitestConfig from '../../vitest.config.ts';
import playwrightConfig from '../../playwright.config.ts';

const vitestReport = (messages: string[]): VitestReport => ({
  numPassedTests: 0,
  numFailedTests: messages.length,
  testResults: [{ assertionResults: messages.map((message) => ({ failureMessages: [message] })) }],
});

const playwrightReport = (messages: string[]): PlaywrightReport => ({
  stats: { expected: 0, unexpected: messages.length, flaky: 0 },
  suites: [{ suites: [{ specs: messages.map((message) => ({ tests: [{ results: [{ errors: [{ message }] }] }] })) }] }],
});

describe('missing baselines', () => {
  it('are gathered from both reports as repository paths, each once, sorted', () => {
    const screenshot = path.join(REPO_ROOT, 'content/follow-up/tests/screenshots/fig-features.png');
    const files = missingBaselines(
      vitestReport([`AssertionError: ${missingSnapshotMessage('content/follow-up/tests/snapshots/features.svg')}`, 'expected 1 to be 2']),
      playwrightReport([
        `Error: A snapshot doesn't exist at ${screenshot}.`,
        `\u001b[31mError: A snapshot doesn't exist at ${screenshot}.\u001b[39m`,
        `Error: A snapshot doesn't exist at ${path.join(REPO_ROOT, 'content/follow-up/tests/screenshots/table-claims-ledger.png')}.\n\n  at page.spec.ts:10`,
        'Error: Screenshot comparison failed: 12 pixels differ',
      ]),
      REPO_ROOT,
    );
    expect(files).toEqual([
      'content/follow-up/tests/screenshots/fig-features.png',
      'content/follow-up/tests/screenshots/table-claims-ledger.png',
      'content/follow-up/tests/snapshots/features.svg',
    ]);
  });

  it('end the run with the list and the command that records them, and with nothing when none are missing', () => {
    const advice = missingBaselinesAdvice(['content/a/tests/snapshots/x.svg', 'content/a/tests/screenshots/fig-x.png']);
    expect(advice).toContain('2 baselines are not recorded yet');
    expect(advice).toContain('  content/a/tests/snapshots/x.svg\n');
    expect(advice).toContain('`npm run test:update`');
    expect(missingBaselinesAdvice([])).toBe('');
    expect(missingBaselines(null, null, REPO_ROOT)).toEqual([]);
  });

  it('fail in vitest and in Playwright alike, and neither runner writes one unless asked to update', () => {
    expect(vitestConfig.test?.update).toBe('none');
    expect(playwrightConfig.updateSnapshots).toBe('none');
  });
});

describe('the duration beside the counts', () => {
  it('reads in minutes and seconds, rounded once', () => {
    expect(formatDuration(48_400)).toBe('48 s');
    expect(formatDuration(492_000)).toBe('8 min 12 s');
    expect(formatDuration(119_600)).toBe('2 min 0 s');
  });
});
