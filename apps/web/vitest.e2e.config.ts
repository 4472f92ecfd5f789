import { defineConfig } from 'vitest/config';

/** The browser tests: a real server, a real build and Chromium, so they run alone and slowly. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
