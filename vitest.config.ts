import { defineConfig } from 'vitest/config';

// Not `extends: true`: a project that inherits globalSetup runs it a second time. The root's global setup runs
// once for all projects, and what it provides reaches every one.
const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Vitest runs one file at a time on two cores (its default is cores - 1). These tests mostly wait (on
    // PostgreSQL, child processes, timers), so two files at once nearly halve the run.
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: 'shared-process',
          include: ['test/unit/**/*.test.ts', 'test/adapters/**/*.test.ts'],
          // A fresh process per file costs about a second, more than most of these files take to run; they
          // start no bot and change no process-wide state, so one process runs file after file.
          isolate: false,
        },
      },
      {
        test: {
          ...shared,
          name: 'own-process',
          // Whole bots, child processes, process-wide handlers: each file keeps a process of its own.
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
        },
      },
    ],
  },
});
