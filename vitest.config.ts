import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration and e2e tests start real servers and load them: running them side by side on a
    // 2-core machine would make them measure each other.
    fileParallelism: false,
    reporters: ['default'],
  },
});
