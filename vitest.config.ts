import os from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

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
  },
});
