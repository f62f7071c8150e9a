// The store a command works on, opened only when the command runs: DuckDB is loaded here, on first
// use, so that `copytrail --help` and usage errors never wait for it (test/cli-startup.test.ts).
import { existingDbPath, type GlobalOptions, resolveDbPath } from '../core/cli-kit.ts';
import type { Store } from './store.ts';

/**
 * --db, then COPYTRAIL_DB, then ./copytrail.duckdb. A command that only reads (lineage, report,
 * export) passes `read`: a path with no database is then a usage error naming it, never a new empty
 * store that would answer "no copies".
 */
export async function openStoreFor(opts: GlobalOptions, use: 'write' | 'read' = 'write'): Promise<Store> {
  const path = use === 'read' ? existingDbPath(opts) : resolveDbPath(opts.db);
  const { Store } = await import('./store.ts');
  return Store.open({ path });
}
