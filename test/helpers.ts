// Shared test helpers: a fresh store per test, temp folders, the executable, and where the shared
// data lives.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../queries/store.ts';

export { HAVE_SHARED, REAL_DATA, SAMPLES, SHARED } from './helpers-paths.ts';

export const BIN = join(import.meta.dirname, '..', 'bin', 'copytrail.mjs');

/** Runs the copytrail executable to its end, with `env` over this process's environment. */
export function copytrail(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    cwd,
    timeout: 600_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cleanups: (() => void)[] = [];

/** Removes the temp folders and closes the stores made by the test that just ran (see setup-cleanup.ts). */
export function runCleanups(): void {
  while (cleanups.length) cleanups.pop()!();
}

export function tempDir(prefix = 'copytrail-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh in-memory store, closed after the test. */
export async function memoryStore(): Promise<Store> {
  const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
  cleanups.push(() => store.close());
  return store;
}

export async function count(store: Store, table: string, where = 'true'): Promise<number> {
  const { rows } = await store.userQuery(`select count(*)::integer as n from ${table} where ${where}`);
  return Number(rows[0]!.n);
}
