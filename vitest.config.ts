import { defineConfig } from 'vitest/config';

// Node-side tests (everything except the Chromium suite in test/e2e, which Playwright runs).
// Two workers: the CI machine has two cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
