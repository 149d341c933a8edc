import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The post template's own tests run in place too, so `npm run new-post` never copies a failing test.
    include: ['tests/unit/**/*.test.ts', 'content/*/tests/**/*.test.ts', 'scripts/post-template/tests/**/*.test.ts'],
    // Training-based tests (determinism, reproducibility) take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
