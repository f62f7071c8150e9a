// `query` reads the store and nothing else: writes, files outside the database, ATTACH,
// INSTALL/LOAD and configuration changes are refused with a clear error, and a path with no
// database is an input error that creates nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../queries/store.ts';
import { tempDir } from '../helpers.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'copytrail.mjs');

async function seededDb(): Promise<string> {
  const db = join(tempDir(), 'store.duckdb');
  const store = await Store.open({ path: db });
  await store.userQuery(
    `insert into ingested_files (file_id, source, kind, location, status) values (1, 'dir', 'log', 'a.json', 'loaded')`,
  );
  store.close();
  return db;
}

const HOSTILE: [string, RegExp][] = [
  ['delete from events', /read-only/],
  ['select 1; delete from ingested_files', /read-only/],
  ["update ingested_files set status = 'x'", /read-only/],
  ['drop table events', /read-only/],
  ["copy ingested_files to '/tmp/copytrail-exfil.csv'", /disabled by configuration/],
  ["select * from read_text('/etc/passwd')", /disabled by configuration/],
  ["select * from read_csv('/etc/passwd')", /disabled by configuration/],
  ["attach '/tmp/copytrail-other.duckdb' as other", /disabled by configuration/],
  ['install httpfs', /disabled by configuration/],
  ['load httpfs', /disabled/],
  ['set enable_external_access = true', /locked/],
  ["set memory_limit = '100GB'", /locked/],
];

describe('query is read-only', () => {
  it('answers a read', async () => {
    const store = await Store.open({ path: await seededDb(), readOnly: true });
    try {
      const r = await store.userQuery('select count(*)::integer as n from ingested_files');
      expect(r.rows).toEqual([{ n: 1 }]);
    } finally {
      store.close();
    }
  });

  it.each(HOSTILE)('refuses %s', async (sql, why) => {
    const db = await seededDb();
    const store = await Store.open({ path: db, readOnly: true });
    try {
      await expect(store.userQuery(sql)).rejects.toThrow(why);
    } finally {
      store.close();
    }
    // and the store is as it was
    const check = await Store.open({ path: db, readOnly: true });
    try {
      expect((await check.userQuery('select status from ingested_files')).rows).toEqual([
        { status: 'loaded' },
      ]);
    } finally {
      check.close();
    }
    expect(existsSync('/tmp/copytrail-exfil.csv')).toBe(false);
  });

  it('the CLI: exit 2 naming the refusal; no database at the path is exit 2 and creates nothing', async () => {
    const db = await seededDb();
    const refused = spawnSync(process.execPath, [BIN, '--db', db, 'query', 'delete from ingested_files'], {
      encoding: 'utf8',
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/query is read-only/);
    const missing = join(tempDir(), 'nothing-here.duckdb');
    const r = spawnSync(process.execPath, [BIN, '--db', missing, 'query', 'select 1'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`no database at ${missing}`);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(`${missing}.wal`)).toBe(false);
  });
});
