// End-to-end runs (`npm run test:e2e`): the README from a fresh folder, kill stress, fault and
// throughput runs, large fuzz. Heavy and slow by design, so they stay out of `npm test`.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// reports sign their manifests with a per-user key: tests keep theirs out of the real home folder
const COPYTRAIL_HOME = join(tmpdir(), 'copytrail-test-home');

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-cleanup.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    // one file at a time: these runs measure and stress the machine themselves
    maxWorkers: 1,
    fileParallelism: false,
    env: { TZ: 'UTC', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', COPYTRAIL_HOME },
  },
});
