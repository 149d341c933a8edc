import os from 'node:os';
import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that drive real processes (CLIs, astro build, astro dev, strace) or retrain
 * committed runs: tens of seconds each. `npm run test:quick` (TEST_QUICK=1) leaves them to
 * `npm test`.
 */
const SLOW_FILES = [
  'tests/unit/robustness-*.test.ts',
  'tests/unit/new-post.test.ts',
  'tests/unit/dev-loop.test.ts',
  'tests/unit/shards.test.ts',
  'tests/unit/cli.test.ts',
  'tests/unit/reproducibility*.test.ts',
];

/**
 * Files that start first, in this order: the longest (the retraining of committed runs,
 * minutes each) and those that render every figure while their tests are collected, which
 * vitest's own order (by the last run's test time, which leaves collection out; on a fresh
 * clone, none) started last, leaving a core idle for the suite's last minute (issue 26).
 * Then the other slow files, then vitest's order.
 */
const START_FIRST = ['tests/unit/reproducibility*.test.ts', 'tests/unit/figure-snapshots.test.ts', 'content/*/tests/figures.test.ts', ...SLOW_FILES];

const globPattern = (glob: string) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
const startFirst = START_FIRST.map(globPattern);

class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const relative = path.relative(file.project.config.root, file.moduleId).split(path.sep).join('/');
      const index = startFirst.findIndex((pattern) => pattern.test(relative));
      return index === -1 ? startFirst.length : index;
    };
    const ranks = new Map(sorted.map((file) => [file, rank(file)]));
    // Array.prototype.sort is stable: within a rank, vitest's order stays.
    return [...sorted].sort((a, b) => ranks.get(a)! - ranks.get(b)!);
  }
}

export default defineConfig({
  test: {
    // The post template's own tests run in place too, so `npm run new-post` never copies a failing test.
    include: ['tests/unit/**/*.test.ts', 'content/*/tests/**/*.test.ts', 'scripts/post-template/tests/**/*.test.ts'],
    exclude: process.env.TEST_QUICK ? [...configDefaults.exclude, ...SLOW_FILES] : configDefaults.exclude,
    // Training-based tests (determinism, reproducibility) take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Test files in parallel: one per core and one more for the time files spend waiting
    // (on a server, a poll, a signal). Vitest's default, one fewer than the cores, ran one
    // file at a time on two cores. Most slow files are CPU-bound through the processes
    // they start, so more workers would only crowd the cores. Results do not depend on
    // it: training is bitwise the same on any thread count and under any load.
    maxWorkers: os.availableParallelism() + 1,
    // A missing snapshot fails (and writes nothing), in CI and out, as a missing screenshot
    // does in Playwright; `npm run test:update` (vitest -u) records it.
    update: 'none',
    sequence: { sequencer: SlowFilesFirst },
  },
});
