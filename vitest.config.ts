// Test runner settings: tests live in test/, mirror the source tree, and may take a while on 2 cores.
// The timeouts only guard against a hang: a loaded machine may take several times longer than a
// quiet one, and no test measures time.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// reports sign their manifests with a per-user key: tests keep theirs out of the real home folder
const COPYTRAIL_HOME = join(tmpdir(), 'copytrail-test-home');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-cleanup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
    // a worker process runs file after file: the modules (DuckDB, the AWS SDK) load once per worker,
    // not once per file. Every file restores what it changes (env, mocks) in its own hooks.
    isolate: false,
    env: { TZ: 'UTC', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', COPYTRAIL_HOME },
  },
});
