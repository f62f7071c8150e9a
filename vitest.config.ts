// Test runner settings: tests live in test/, mirror the source tree, and may take a while on 2 cores.
// The timeouts only guard against a hang: a loaded machine may take several times longer than a
// quiet one, and no test measures time.
import { accessSync, chmodSync, constants, lstatSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The suite writes tens of thousands of small files (simulated trails, digests, stores) and removes
// them after each test. On a RAM-backed folder this costs a fraction of what it costs on disk (a
// simulated trail of 8,000 events, 15,000 files: 4.0 s against 9.5 s). Used when TMPDIR is unset and
// the machine has a writable /dev/shm; the forked workers and the CLI they start inherit it.
function ramTmp(): string | undefined {
  const shm = '/dev/shm';
  try {
    if (!statSync(shm).isDirectory()) return undefined;
    accessSync(shm, constants.W_OK | constants.X_OK);
    const dir = join(shm, `copytrail-tests-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true });
    // a folder of ours, not a link or another user's folder planted under that name
    const st = lstatSync(dir);
    if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) return undefined;
    // others may pass through, as through /tmp: a test walks a folder as an unprivileged user
    chmodSync(dir, 0o755);
    return dir;
  } catch {
    return undefined;
  }
}
if (!process.env.TMPDIR) {
  const dir = ramTmp();
  if (dir) process.env.TMPDIR = dir;
}

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
