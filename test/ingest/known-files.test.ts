// The ledger held in memory for the loader's checks (ingest/known-files.ts): the answers a Map of
// every file would give, across merges of this run's files into the sorted arrays, from a store's
// ledger as known_files.sql reads it, and in a few dozen bytes a file.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KnownFiles, LoadedContent, MERGE_AT } from '../../ingest/known-files.ts';
import { memoryStore } from '../helpers.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Row {
  file_id: number;
  source: string;
  location: string;
  size: number | null;
  etag: string | null;
  status: string;
  error: string | null;
  sha256: string | null;
}

async function ledger(rows: Row[]) {
  const store = await memoryStore();
  for (const r of rows) {
    await store.conn.run(
      `insert into ingested_files (file_id, source, kind, location, size, etag, status, error, sha256)
       values ($file_id, $source, 'log', $location, $size, $etag, $status, $error, $sha256)`,
      { ...r },
    );
  }
  return store;
}

describe('KnownFiles', () => {
  it('answers as a Map of every file would, across merges, with the newest entry of a location winning', () => {
    const known = new KnownFiles();
    const model = new Map<string, { size: number; etag: string | null; status: string }>();
    const next = random(7);
    const statuses = ['loaded', 'rejected', 'duplicate', 'skipped'];
    const location = () => `s3://trail/AWSLogs/${Math.floor(next() * 3 * MERGE_AT)}.json.gz`;
    const etag = () => (next() < 0.2 ? null : `"e${Math.floor(next() * 3)}"`);
    let checks = 0;
    let hits = 0;
    for (let op = 0; op < 5 * MERGE_AT; op++) {
      const loc = location();
      if (next() < 0.6) {
        const entry = { size: Math.floor(next() * 3), etag: etag(), status: statuses[op % 4]! };
        known.set(loc, entry.size, entry.etag, entry.status);
        model.set(loc, entry);
      } else {
        const size = Math.floor(next() * 3);
        const e = next() < 0.3 ? undefined : (etag() ?? undefined);
        const m = model.get(loc);
        const expected = m && m.size === size && (e === undefined || m.etag === e) ? m.status : null;
        expect(known.status(loc, size, e), `${loc} ${size} ${e}`).toBe(expected);
        checks++;
        if (expected !== null) hits++;
      }
    }
    // the run checked both answers, many times over, after merges
    expect(checks).toBeGreaterThan(MERGE_AT);
    expect(hits).toBeGreaterThan(100);
    expect(known.count).toBe(model.size);
    // most files sit in the sorted arrays, merged there more than once
    expect(known.bytes).toBeGreaterThan(MERGE_AT * 49);
    for (const [loc, m] of model) expect(known.status(loc, m.size, m.etag ?? undefined)).toBe(m.status);
  });

  it("reads a source's ledger: the newest row of a location, never a file that could not be read", async () => {
    const row = (file_id: number, location: string, over: Partial<Row> = {}): Row => ({
      file_id,
      source: 'dir',
      location,
      size: 10,
      etag: null,
      status: 'loaded',
      error: null,
      sha256: sha(String(file_id)),
      ...over,
    });
    const store = await ledger([
      row(1, '/t/a.json'),
      // rejected, then changed and loaded: the loaded row counts
      row(2, '/t/b.json', { status: 'rejected', error: 'not JSON' }),
      row(3, '/t/b.json', { size: 12 }),
      // loaded, then found unreadable: the unreadable row is not known, the loaded one is
      row(4, '/t/c.json'),
      row(5, '/t/c.json', { status: 'rejected', error: 'cannot read: EACCES' }),
      row(6, '/t/d', { status: 'rejected', error: 'unreadable folder: EACCES' }),
      row(7, 's3://b/e.json.gz', { source: 's3', etag: '"abc"' }),
      row(8, '/t/f.json', { size: null }),
      row(9, '/t/g.json', { status: 'duplicate' }),
    ]);
    const dir = await KnownFiles.load(store, 'dir');
    expect(dir.count).toBe(5);
    expect(dir.status('/t/a.json', 10)).toBe('loaded');
    expect(dir.status('/t/a.json', 11)).toBeNull();
    expect(dir.status('/t/b.json', 10)).toBeNull();
    expect(dir.status('/t/b.json', 12)).toBe('loaded');
    expect(dir.status('/t/c.json', 10)).toBe('loaded');
    expect(dir.status('/t/d', 10)).toBeNull();
    expect(dir.status('/t/f.json', 10)).toBeNull();
    expect(dir.status('/t/g.json', 10)).toBe('duplicate');
    expect(dir.status('s3://b/e.json.gz', 10)).toBeNull();
    const s3 = await KnownFiles.load(store, 's3');
    expect(s3.status('s3://b/e.json.gz', 10, '"abc"')).toBe('loaded');
    expect(s3.status('s3://b/e.json.gz', 10)).toBe('loaded');
    expect(s3.status('s3://b/e.json.gz', 10, '"abd"')).toBeNull();
    // a location bound as data, never read as SQL
    expect((await KnownFiles.load(store, "' or 1=1 --")).count).toBe(0);
  });

  it('holds a file in a few dozen bytes, not an object', async () => {
    const store = await memoryStore();
    await store.conn.run(
      `insert into ingested_files (file_id, source, kind, location, size, etag, status, sha256)
       select i, 's3', 'log', 's3://trail/AWSLogs/o-abc/123456789012/CloudTrail/eu-west-1/2026/12/05/f' || i || '.json.gz',
         1000 + i, '"' || left(sha256(i::varchar), 32) || '"', 'loaded', sha256(i::varchar)
       from range(1, 3001) t(i)`,
    );
    const location = (i: number) =>
      `s3://trail/AWSLogs/o-abc/123456789012/CloudTrail/eu-west-1/2026/12/05/f${i}.json.gz`;
    const known = await KnownFiles.load(store, 's3');
    expect(known.count).toBe(3000);
    for (let i = 1; i <= 3000; i += 61) {
      expect(known.status(location(i), 1000 + i, `"${sha(String(i)).slice(0, 32)}"`)).toBe('loaded');
    }
    // 32 bytes of key, 8 of size, 8 of ETag, 1 of status; the arrays grow by doubling
    expect(known.bytes / known.count).toBeLessThanOrEqual(2 * 49);
    const content = await LoadedContent.load(store);
    expect(content.count).toBe(3000);
    expect(content.bytes / content.count).toBeLessThanOrEqual(2 * 32);
  });
});

describe('LoadedContent', () => {
  it('knows the content loaded before and in this run, across merges, and nothing else', async () => {
    const store = await ledger([
      {
        file_id: 1,
        source: 'dir',
        location: 'a',
        size: 1,
        etag: null,
        status: 'loaded',
        error: null,
        sha256: sha('a'),
      },
      {
        file_id: 2,
        source: 's3',
        location: 'b',
        size: 1,
        etag: null,
        status: 'loaded',
        error: null,
        sha256: sha('b'),
      },
      // a duplicate's or a rejected file's content was never loaded
      {
        file_id: 3,
        source: 'dir',
        location: 'c',
        size: 1,
        etag: null,
        status: 'duplicate',
        error: null,
        sha256: sha('c'),
      },
      {
        file_id: 4,
        source: 'dir',
        location: 'd',
        size: 1,
        etag: null,
        status: 'rejected',
        error: 'x',
        sha256: sha('d'),
      },
    ]);
    const content = await LoadedContent.load(store);
    expect(content.has(sha('a'))).toBe(true);
    expect(content.has(sha('b'))).toBe(true);
    expect(content.has(sha('c'))).toBe(false);
    expect(content.has(sha('d'))).toBe(false);
    for (let i = 0; i < 2 * MERGE_AT + 5; i++) content.add(sha(`run ${i}`));
    for (let i = 0; i < 2 * MERGE_AT + 5; i += 97) expect(content.has(sha(`run ${i}`))).toBe(true);
    expect(content.has(sha(`run ${2 * MERGE_AT + 5}`))).toBe(false);
    expect(content.has(sha('a'))).toBe(true);
    expect(content.count).toBe(2 * MERGE_AT + 7);
    expect(() => content.has('not a hash')).toThrow(/not a SHA-256/);
  });
});
