import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // One log line per request is noise in test output; LOG_LEVEL=info shows it.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    // One real PostgreSQL for the run (about a second to start), for the store suite.
    globalSetup: ['test/store/postgres-global-setup.ts'],
  },
});
