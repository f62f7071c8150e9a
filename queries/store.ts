// The DuckDB store: opens the one database file, applies the migrations in queries/schema/,
// and runs named queries from queries/**/*.sql with bound parameters, reading rows losslessly.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { z } from 'zod';
import { resolveDbPath } from '../core/cli-kit.ts';
import { beforeStatement } from './fault.ts';
import { migrationNames, StoreError, sqlText } from './sql-files.ts';
import { fillSlots, quoteLiteral } from './sql-text.ts';

export { listQueryNames, migrationNames, QUERIES_DIR, StoreError, sqlText } from './sql-files.ts';

export type Params = Record<string, DuckDBValue>;

/** DuckDB's memory limit for a store not told otherwise: COPYTRAIL_MEMORY_LIMIT, else 4 GB. */
export function storeMemoryLimit(): string {
  return process.env.COPYTRAIL_MEMORY_LIMIT ?? '4GB';
}

export interface StoreOptions {
  /** Database file; ':memory:' for a throwaway store. */
  path?: string;
  /** DuckDB memory_limit, e.g. '4GB'. DuckDB's own default (80% of RAM) is too greedy beside Node. */
  memoryLimit?: string;
  threads?: number;
  /**
   * Open for reading only (the `query` command): no migrations, no writes, no file or network
   * access beyond the database, configuration locked. The file must exist.
   */
  readOnly?: boolean;
}

export class Store {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly path: string,
  ) {}

  static async open(options: StoreOptions = {}): Promise<Store> {
    const path = options.path ?? resolveDbPath();
    const config: Record<string, string> = {
      // json, parquet and icu are built in; anything autoloaded would reach for the network.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      memory_limit: options.memoryLimit ?? storeMemoryLimit(),
      // No row-group vacuum at checkpoints. An ingest's batches each end in part-filled row groups
      // (one per thread); the vacuum folds adjacent ones, writing them and their neighbours again
      // and leaving the old blocks free. After a 10M-event ingest, the first checkpoint (correlate's
      // close) took 44 s and grew the file from 2.9 to 4.6 GB. copytrail only ever deletes whole
      // tables (correlate's rebuild), and a row group with every row deleted is dropped without it.
      max_vacuum_tasks: '0',
    };
    if (options.threads) config.threads = String(options.threads);
    if (options.readOnly) {
      if (path === ':memory:' || !existsSync(resolve(path))) throw new StoreError(`no database at ${path}`);
      config.access_mode = 'READ_ONLY';
      // user SQL may read only the database: no read_text('/etc/shadow'), COPY TO, ATTACH or INSTALL
      config.enable_external_access = 'false';
    }
    const file = path === ':memory:' ? null : resolve(path);
    // a store written to opens its file by ATTACH, the one way to give it a row group size
    const attach = file !== null && !options.readOnly;
    // where DuckDB spills for a database file it opens itself: beside the file
    if (attach) config.temp_directory = `${file}.tmp`;
    let instance: DuckDBInstance | undefined;
    let conn: DuckDBConnection;
    try {
      instance = await DuckDBInstance.create(attach || file === null ? ':memory:' : file, config);
      conn = await instance.connect();
      if (attach) {
        await conn.run(fillSlots(sqlText('store/attach'), { file: quoteLiteral(file, 'duckdb') }));
        await conn.run(sqlText('store/use_store'));
      }
    } catch (cause) {
      instance?.closeSync();
      throw new StoreError(`cannot open database ${path}: ${(cause as Error).message}`, { cause });
    }
    const store = new Store(instance, conn, path);
    // timestamps print and truncate to days in UTC, whatever the machine's zone
    await store.run('store/session_settings');
    if (options.readOnly) {
      // after this no SET can turn external access back on
      await store.run('store/lock_configuration');
      return store;
    }
    if (path !== ':memory:') await store.run('store/checkpoint_threshold');
    // Migrations reach the database file before any data does: a WAL that holds schema changes
    // (a column with a current_timestamp default) cannot be replayed after a crash.
    if ((await store.migrate()) > 0 && path !== ':memory:') await store.run('store/checkpoint');
    return store;
  }

  /** Applies queries/schema/*.sql in name order, each once; returns how many it applied. */
  async migrate(): Promise<number> {
    await this.conn.run(sqlText('store/create_migrations'));
    const applied = new Set(
      (await this.rows('store/applied_migrations')).map((r) => String((r as { name: string }).name)),
    );
    let count = 0;
    for (const name of migrationNames()) {
      if (applied.has(name)) continue;
      count++;
      await this.transaction(async () => {
        const statements = await this.conn.extractStatements(sqlText(name));
        for (let i = 0; i < statements.count; i++) {
          beforeStatement();
          const prepared = await statements.prepare(i);
          await prepared.run();
        }
        await this.run('store/record_migration', { name });
      });
    }
    return count;
  }

  /** Runs a named single-statement query with bound parameters. */
  async run(name: string, params: Params = {}): Promise<void> {
    beforeStatement();
    try {
      await this.conn.run(sqlText(name), params);
    } catch (cause) {
      throw new StoreError(`query ${name} failed: ${(cause as Error).message}`, { cause });
    }
  }

  /** Rows of a named query as JSON-safe objects (BIGINT, DECIMAL and timestamps as strings). */
  async rows(name: string, params: Params = {}): Promise<Record<string, unknown>[]> {
    beforeStatement();
    try {
      const reader = await this.conn.runAndReadAll(sqlText(name), params);
      return reader.getRowObjectsJson() as Record<string, unknown>[];
    } catch (cause) {
      throw new StoreError(`query ${name} failed: ${(cause as Error).message}`, { cause });
    }
  }

  /**
   * A named query's result a chunk at a time (up to 2,048 rows each), as one array of values per
   * column: for results too large to hold as row objects.
   */
  async *chunks(name: string, params: Params = {}): AsyncGenerator<DuckDBValue[][]> {
    beforeStatement();
    let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
    try {
      result = await this.conn.stream(sqlText(name), params);
    } catch (cause) {
      throw new StoreError(`query ${name} failed: ${(cause as Error).message}`, { cause });
    }
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) return;
      const columns: DuckDBValue[][] = [];
      for (let i = 0; i < chunk.columnCount; i++) columns.push(chunk.getColumnValues(i));
      yield columns;
    }
  }

  /** Rows of a named query, each parsed with its zod row contract. */
  async all<T extends z.ZodType>(name: string, schema: T, params: Params = {}): Promise<z.infer<T>[]> {
    const raw = await this.rows(name, params);
    return raw.map((row, i) => {
      const parsed = schema.safeParse(row);
      if (!parsed.success) {
        throw new StoreError(`query ${name} row ${i} does not match its contract: ${parsed.error.message}`);
      }
      return parsed.data;
    });
  }

  async one<T extends z.ZodType>(name: string, schema: T, params: Params = {}): Promise<z.infer<T>> {
    const rows = await this.all(name, schema, params);
    if (rows.length !== 1) throw new StoreError(`query ${name} returned ${rows.length} rows, expected 1`);
    return rows[0]!;
  }

  /** Runs arbitrary user SQL (the `query` command only); the caller decides what the user may run. */
  async userQuery(sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
    const reader = await this.conn.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run('begin transaction');
    try {
      const out = await fn();
      beforeStatement();
      await this.conn.run('commit');
      return out;
    } catch (err) {
      await this.conn.run('rollback');
      throw err;
    }
  }

  /** Stops the statement running on this store (from a signal handler); its transaction rolls back. */
  interrupt(): void {
    this.conn.interrupt();
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
