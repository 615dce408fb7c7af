import { defineConfig } from 'vitest/config';

// Wall-clock comparisons (bench --backend cc against reference C kernels) live here, outside `npm test`:
// a busy machine must not fail the test suite. Run with `npm run bench:cc`.
export default defineConfig({
  test: {
    include: ['bench/**/*.test.ts'],
    testTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    disableConsoleIntercept: true,
  },
});
