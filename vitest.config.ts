import { defineConfig } from 'vitest/config';

/**
 * Two projects: unit (and infra) tests run in parallel; end-to-end tests, which each start a whole
 * sandbox with replicas, run one file at a time so they do not starve each other of the 2 cores.
 * No test asserts on speed: they poll with deadlines, so the timeouts only bound a hang.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    // The AWS SDK's notice that its 2027 releases need Node 22 would repeat in every test process.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/runbooks/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
