import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: run files in two forks.
    pool: 'forks',
    maxWorkers: 2,
    disableConsoleIntercept: true,
  },
});
