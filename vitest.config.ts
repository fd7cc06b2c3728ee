import { defineConfig } from 'vitest/config';

// One run shares one ZooKeeper ensemble (started in test/global-setup.ts); test files run
// one after another because the machine has two cores and the ensemble's JVMs need them.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
