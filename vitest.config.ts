import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure, no ZooKeeper, files run in parallel) and `integration` (real
// ZooKeeper). Integration files run one after another and share ONE 3-node ensemble started by
// test/global-setup.ts (or the ensemble named by ZK_TEST_CONNECT): the machine has two cores and
// the ensemble's JVMs need them. Unit tests run first (sequence.groupOrder).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [
            'test/client/**/*.test.ts',
            'test/recipes/**/*.test.ts',
            'test/chaos/**/*.test.ts',
            'test/testing/**/*.test.ts',
            'test/examples/**/*.test.ts',
            'test/cli/**/*.test.ts',
          ],
          fileParallelism: false,
          globalSetup: ['test/global-setup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
