import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest runs one file at a time on two cores (its default is cores - 1). These tests mostly wait (on
    // PostgreSQL, child processes, timers), so two files at once nearly halve the run; each file still gets
    // its own process and its own databases.
    maxWorkers: 2,
  },
});
