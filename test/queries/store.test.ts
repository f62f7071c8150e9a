// The store: migrations, the named-query loader, bound parameters and row contracts.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveDbPath } from '../../core/cli-kit.ts';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { listQueryNames, migrationNames, Store, sqlText } from '../../queries/store.ts';
import { memoryStore, tempDir } from '../helpers.ts';

const DESIGN_TABLES = [
  'artifacts',
  'copies',
  'copy_evidence',
  'events',
  'ingest_coverage',
  'ingested_files',
  'kms_keys',
  'rejects',
  'shares',
];

describe('store', () => {
  it('creates every table of the design and applies each migration once', async () => {
    const dir = tempDir();
    const path = join(dir, 'c.duckdb');
    const a = await Store.open({ path });
    const { rows } = await a.userQuery(
      "select table_name from information_schema.tables where table_schema = 'main' order by 1",
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([...DESIGN_TABLES, 'schema_migrations']),
    );
    a.close();
    const b = await Store.open({ path });
    const applied = await b.userQuery('select count(*)::integer as n from schema_migrations');
    expect(applied.rows[0]!.n).toBe(migrationNames().length);
    b.close();
  });

  it('prepares every .sql file against the schema', async () => {
    const store = await memoryStore();
    // the ingest statements read the loader's temp tables: make them exist with one real batch
    const dir = tempDir();
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify([
        {
          eventID: 'e1',
          eventTime: '2026-03-02T10:00:00Z',
          eventSource: 'ec2.amazonaws.com',
          eventName: 'X',
        },
      ]),
    );
    await ingestDir(store, [dir]);
    await store.run('ingest/stage_files', { path: join(dir, 'a.json'), max_bytes: 1 << 20 });
    await store.run('ingest/stage_records');
    await store.run('ingest/stage_new_events');
    // the map of the files the workers normalised: a batch of trail files makes it
    writeFileSync(join(dir, 'map.ndjson'), '{"p":1,"f":1}\n');
    await store.run('ingest/stage_map', { path: join(dir, 'map.ndjson') });
    await store.run('bench/create_raw');
    // correlate's statements read its temp tables: a run creates them
    await correlate(store);
    const names = listQueryNames();
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) {
      if (name.startsWith('schema/')) continue;
      const text = sqlText(name);
      expect(text.trimStart().startsWith('--'), `${name} opens with a comment`).toBe(true);
      // Athena and Lake text is Trino, run by those services; its DuckDB-compatible filter is
      // run against DuckDB in the Athena tests. A template's {{slots}} are filled before it runs
      // (queries/sql-text.ts): the export COPY templates run filled, in every format, in the export tests.
      if (name.startsWith('athena/') || name.startsWith('lake/')) continue;
      if (name.startsWith('export/copy_')) continue;
      // the file's ATTACH (a slot) and USE: every Store.open of a database file runs them (tests below)
      if (name === 'store/attach' || name === 'store/use_store') continue;
      await expect(store.conn.prepare(text), name).resolves.toBeDefined();
    }
  });

  it('refuses query names that are not files under queries/', async () => {
    const store = await memoryStore();
    await expect(store.rows('../package')).rejects.toThrow(/invalid query name/);
    await expect(store.rows('ingest/no_such_query')).rejects.toThrow(
      /no query named 'ingest\/no_such_query'/,
    );
  });

  it('binds parameters: a hostile value is data, never SQL', async () => {
    const store = await memoryStore();
    const rows = await store.rows('ingest/known_files', { source: "' or 1=1 --" });
    expect(rows).toEqual([]);
    const { rows: tables } = await store.userQuery(
      "select count(*)::integer as n from information_schema.tables where table_name = 'events'",
    );
    expect(tables[0]!.n).toBe(1);
  });

  it('reads rows losslessly and checks them against their zod contract', async () => {
    const store = await memoryStore();
    const max = await store.one('ingest/max_file_id', z.object({ max_id: z.string() }));
    expect(max.max_id).toBe('0'); // BIGINT arrives as a string, not a rounded number
    await expect(store.one('ingest/max_file_id', z.object({ max_id: z.boolean() }))).rejects.toThrow(
      /does not match its contract/,
    );
  });

  it('takes the database path from the flag, then COPYTRAIL_DB, then the default', () => {
    const saved = process.env.COPYTRAIL_DB;
    try {
      process.env.COPYTRAIL_DB = '/tmp/env.duckdb';
      expect(resolveDbPath('/tmp/flag.duckdb')).toBe('/tmp/flag.duckdb');
      expect(resolveDbPath()).toBe('/tmp/env.duckdb');
      delete process.env.COPYTRAIL_DB;
      expect(resolveDbPath()).toBe('copytrail.duckdb');
    } finally {
      if (saved === undefined) delete process.env.COPYTRAIL_DB;
      else process.env.COPYTRAIL_DB = saved;
    }
  });

  it('writes a database file in row groups of 30,720 rows, and spills beside it', async () => {
    const path = join(tempDir(), 'rows.duckdb');
    const store = await Store.open({ path });
    await store.userQuery('create table probe as select range as x from range(100000)');
    await store.userQuery('checkpoint');
    const groups = async (s: Store) =>
      (
        await s.userQuery(
          "select count(distinct row_group_id)::integer as n from pragma_storage_info('probe')",
        )
      ).rows[0]!.n;
    // DuckDB's own size would hold 100,000 rows in one row group
    expect(await groups(store)).toBe(4);
    const { rows } = await store.userQuery("select current_setting('temp_directory') as dir");
    expect(rows[0]!.dir).toBe(`${path}.tmp`);
    store.close();
    // closed, the file is whole: no log left to replay, and it opens again with its rows
    expect(existsSync(`${path}.wal`)).toBe(false);
    const again = await Store.open({ path });
    await again.userQuery('insert into probe select range from range(40000)');
    await again.userQuery('checkpoint');
    expect(await groups(again)).toBe(6);
    expect((await again.userQuery('select count(*)::integer as n from probe')).rows[0]!.n).toBe(140000);
    again.close();
  });

  it('opens a database file DuckDB wrote with its own row groups, and one whose name holds a quote', async () => {
    const dir = tempDir();
    const plain = join(dir, 'plain.duckdb');
    const duck = await DuckDBInstance.create(plain);
    const conn = await duck.connect();
    await conn.run('create table older as select range as x from range(130000)');
    conn.closeSync();
    duck.closeSync();
    const store = await Store.open({ path: plain });
    expect((await store.userQuery('select count(*)::integer as n from older')).rows[0]!.n).toBe(130000);
    expect(
      (
        await store.userQuery(
          "select count(distinct row_group_id)::integer as n from pragma_storage_info('older')",
        )
      ).rows[0]!.n,
    ).toBe(2);
    store.close();
    // the path is a literal in the ATTACH, never SQL
    const quoted = join(dir, "it's'; drop table x; --.duckdb");
    const q = await Store.open({ path: quoted });
    await q.run('ingest/max_file_id');
    q.close();
    expect(existsSync(quoted)).toBe(true);
  });

  it('gives a clear error for a database file it cannot open', async () => {
    const dir = tempDir();
    const bad = join(dir, 'not-a-db.duckdb');
    writeFileSync(bad, 'this is not a database');
    await expect(Store.open({ path: bad })).rejects.toThrow(/cannot open database .*not-a-db\.duckdb/);
  });
});
