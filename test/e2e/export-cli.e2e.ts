// `copytrail export` as the executable runs it: the format taken from the file's extension, and
// bad input refused with exit 2 before anything is written. Each case starts the executable (about two
// seconds each on two cores), so it runs here rather than in `npm test`, whose export tests call the
// same code in-process.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { copytrail, tempDir } from '../helpers.ts';

let dir: string;

beforeAll(async () => {
  dir = tempDir();
  const sim = simulate({ out: join(dir, 'trail'), events: 5000, days: 2, start: '2026-03-01', seed: 21 });
  const store = await Store.open({ path: join(dir, 'export.duckdb') });
  try {
    await ingestDir(store, [sim.out]);
    await correlate(store);
  } finally {
    store.close();
  }
});

it('the command infers the format from the extension and refuses bad input with exit 2', () => {
  const db = join(dir, 'export.duckdb');
  const ok = copytrail(['--db', db, 'export', 'lineage', '--out', join(dir, 'cli', 'lineage.arrow')]);
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.stdout).toMatch(/lineage: \d+ rows to .*lineage\.arrow \(arrow,/);
  expect(readdirSync(join(dir, 'cli'))).toEqual(['lineage.arrow']);
  const bad = [
    ['export', 'copies', '--out', 'x.parquet'],
    ['export', 'events', '--out', 'x.parquet', '--format', 'xlsx'],
    ['export', 'lineage', '--out', 'x.parquet', '--since', '2026-03-01'],
    ['export', 'events', '--out', 'x.parquet', '--since', 'last tuesday'],
    // an extension it cannot write is refused, not given Parquet under that name
    ['export', 'lineage', '--out', 'report.xlsx'],
  ];
  for (const args of bad) {
    const r = copytrail(['--db', db, ...args], {}, dir);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr).toMatch(/copytrail: /);
  }
  expect(existsSync(join(dir, 'report.xlsx'))).toBe(false);
  const xlsx = copytrail(['--db', db, 'export', 'lineage', '--out', 'r.xlsx'], {}, dir);
  expect(xlsx.stderr).toMatch(/cannot write a \.xlsx file: use an extension of parquet, csv/);
  // no extension, or --format over any extension, still works
  for (const args of [
    ['--out', join(dir, 'cli', 'plain')],
    ['--out', join(dir, 'cli', 'sheet.xlsx'), '--format', 'csv'],
  ]) {
    const r = copytrail(['--db', db, 'export', 'lineage', ...args]);
    expect(r.code, r.stderr).toBe(0);
  }
  expect(
    readFileSync(join(dir, 'cli', 'plain'))
      .subarray(0, 4)
      .toString(),
  ).toBe('PAR1');
});
