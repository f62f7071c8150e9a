// Exports: each format written, read back by another reader (DuckDB for Parquet and CSV, a plain
// line reader for JSON, apache-arrow for Arrow IPC), and compared row by row with the store. The
// executable's own handling of formats and bad input is in test/e2e/export-cli.e2e.ts.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../correlate/correlate.ts';
import { EXPORT_FORMATS, type ExportKind, exportData } from '../export/export.ts';
import { ingestDir } from '../ingest/ingest-dir.ts';
import { Store } from '../queries/store.ts';
import { simulate } from '../simulator/simulate.ts';

const TIMESTAMPS = new Set(['requested_at', 'event_time', 'ended_at']);
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copytrail-export-'));
  const sim = simulate({ out: join(dir, 'trail'), events: 5000, days: 2, start: '2026-03-01', seed: 21 });
  store = await Store.open({ path: join(dir, 'export.duckdb') });
  await ingestDir(store, [sim.out]);
  await correlate(store);
}, 120_000);

afterAll(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const WINDOW = { since: '2026-03-01T12:00:00Z', until: '2026-03-02T06:00:00Z' };

async function reference(kind: ExportKind): Promise<Record<string, unknown>[]> {
  return store.rows(`export/${kind}`, kind === 'events' ? WINDOW : {});
}

/** One value as text, the way every format can be compared: null stays null. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const epochMs = (ts: string) => Date.parse(ts.replace(' ', 'T').replace(/\+00$/, 'Z'));

async function readBack(format: string, file: string): Promise<Record<string, unknown>[]> {
  const path = file.replaceAll("'", "''");
  switch (format) {
    case 'parquet':
      return (
        await store.conn.runAndReadAll(`select * from read_parquet('${path}')`)
      ).getRowObjectsJson() as Record<string, unknown>[];
    case 'csv':
      return (
        await store.conn.runAndReadAll(`select * from read_csv('${path}', header = true, all_varchar = true)`)
      ).getRowObjectsJson() as Record<string, unknown>[];
    case 'json':
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    default: {
      const table = tableFromIPC(readFileSync(file));
      return table.toArray().map((r) => {
        const row = r.toJSON() as Record<string, unknown>;
        for (const k of TIMESTAMPS)
          if (k in row && row[k] !== null) row[k] = new Date(Number(row[k])).toISOString();
        return row;
      });
    }
  }
}

describe('export', () => {
  for (const kind of ['lineage', 'events'] as const) {
    for (const format of EXPORT_FORMATS) {
      it(`${kind} as ${format} reads back equal to the store`, async () => {
        const want = await reference(kind);
        expect(want.length).toBeGreaterThan(kind === 'lineage' ? 10 : 500);
        const out = join(dir, `${kind}.${format}`);
        const r = await exportData(store, { kind, format, out, ...(kind === 'events' ? WINDOW : {}) });
        expect(r.rows).toBe(want.length);
        expect(existsSync(`${out}.partial`)).toBe(false);
        const got = await readBack(format, out);
        expect(got).toHaveLength(want.length);
        expect(Object.keys(got[0]!)).toEqual(Object.keys(want[0]!));
        for (const [i, row] of got.entries()) {
          for (const [col, value] of Object.entries(want[i]!)) {
            if (format === 'arrow' && TIMESTAMPS.has(col)) {
              expect(Date.parse(String(row[col])), `${i} ${col}`).toBe(epochMs(String(value)));
            } else {
              expect(text(row[col]), `row ${i} ${col}`).toBe(text(value));
            }
          }
        }
        if (kind === 'lineage') {
          // the evidence column is the lineage JSON's evidence list
          const withEvidence = got.find((x) => Number(x.evidence_count) > 0)!;
          const evidence = JSON.parse(String(withEvidence.evidence));
          expect(evidence).toHaveLength(Number(withEvidence.evidence_count));
          expect(Object.keys(evidence[0])).toEqual([
            'event_id',
            'event_name',
            'side',
            'region',
            'account',
            'key_arn',
            'match',
          ]);
          // a replication edge carries its hourly evidence rolled up, not one row per object
          const replication = got.find((x) => x.kind === 's3_replication' && x.replication_calls !== '[]')!;
          const calls = JSON.parse(String(replication.replication_calls));
          expect(Object.keys(calls[0])).toEqual([
            'side',
            'event_name',
            'events',
            'denied',
            'records',
            'hours',
            'first_hour',
            'last_hour',
          ]);
          expect(Number(calls[0].events)).toBeGreaterThan(0);
          expect(got.find((x) => x.kind !== 's3_replication')!.replication_calls ?? null).toBeNull();
        }
      });
    }
  }

  it('the events window bounds the rows, and a record’s hostile text is data in every format', async () => {
    const want = await reference('events');
    for (const e of want) {
      const t = Date.parse(String(e.event_time).replace(' ', 'T').replace(/\+00$/, 'Z'));
      expect(t).toBeGreaterThanOrEqual(Date.parse(WINDOW.since));
      expect(t).toBeLessThan(Date.parse(WINDOW.until));
    }
    const s = await Store.open({ path: ':memory:' });
    try {
      const hostile = `=cmd|' /C calc'!A0,"quote",\nnewline'); drop table events; --`;
      await s.conn.run(
        `insert into events (event_id, event_time, event_source, event_name, user_agent, file_id) values ('e1', '2026-03-01T00:00:00Z', 'ec2.amazonaws.com', 'CopySnapshot', $ua, 1)`,
        { ua: hostile },
      );
      const out = join(dir, "odd 'name'.csv");
      await exportData(s, { kind: 'events', format: 'csv', out });
      const back = (
        await s.conn.runAndReadAll(
          `select user_agent from read_csv('${out.replaceAll("'", "''")}', header = true, all_varchar = true)`,
        )
      ).getRowObjectsJson();
      expect(back[0]!.user_agent).toBe(hostile);
      expect(
        Number((await s.conn.runAndReadAll('select count(*) as n from events')).getRowObjectsJson()[0]!.n),
      ).toBe(1);
    } finally {
      s.close();
    }
  });

  it('a target path is bound, never SQL text: a path written as an injection is only a file name', async () => {
    const events = await store.rows('export/events', { since: null, until: null });
    for (const format of ['csv', 'json', 'parquet'] as const) {
      const into = join(dir, `inject-${format}`);
      const name = `x.${format}' (FORMAT json); COPY events TO 'pwned.csv`;
      const r = await exportData(store, { kind: 'events', format, out: join(into, name) });
      expect(r.rows).toBe(events.length);
      // the one file, under exactly that name; nothing else written anywhere near it
      expect(readdirSync(into)).toEqual([name]);
      expect(existsSync(join(dir, 'pwned.csv'))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('pwned'))).toEqual([]);
      const back = await readBack(format, join(into, name));
      expect(back).toHaveLength(events.length);
    }
  });

  it('refuses before writing anything: a control character in the path, a window on lineage', async () => {
    for (const bad of ['line\nbreak.csv', 'nul\u0000.csv', 'esc\u001b[2J.csv']) {
      const into = join(dir, 'refused');
      await expect(
        exportData(store, { kind: 'events', format: 'csv', out: join(into, bad) }),
      ).rejects.toThrow(/--out: a file name cannot hold a control character/);
      expect(existsSync(into)).toBe(false);
    }
    const into = join(dir, 'refused-lineage');
    await expect(
      exportData(store, { kind: 'lineage', format: 'csv', out: join(into, 'l.csv'), since: WINDOW.since }),
    ).rejects.toThrow(/apply to `export events` only/);
    expect(existsSync(into)).toBe(false);
  });
});
