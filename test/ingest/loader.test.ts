// Local ingest: shapes, the ledger, duplicates, and bad input that must not lose anything else.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { walkFiles, walkPaths } from '../../ingest/dir.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { parseLayout } from '../../ingest/layout.ts';
import { Store, StoreError } from '../../queries/store.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';
import { storeHash } from './store-hash.ts';

let seq = 0;
function rec(over: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    eventTime: `2026-03-02T10:${String(seq % 60).padStart(2, '0')}:05Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeSnapshots',
    awsRegion: 'us-east-1',
    requestParameters: { maxResults: 5 },
    responseElements: null,
    requestID: `req-${seq}`,
    eventID: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...over,
  };
}

function trailKey(account: string, region: string, day: string, org?: string): string {
  const [y, m, d] = day.split('-');
  return join('AWSLogs', ...(org ? [org] : []), account, 'CloudTrail', region, y!, m!, d!);
}

function writeTrailFile(dir: string, rel: string, name: string, records: unknown[]): string {
  mkdirSync(join(dir, rel), { recursive: true });
  const file = join(dir, rel, name);
  writeFileSync(file, gzipSync(JSON.stringify({ Records: records })));
  return file;
}

describe('ingest dir', () => {
  it('loads an organization trail layout and records coverage per account, region and day', async () => {
    const dir = tempDir();
    writeTrailFile(dir, trailKey('111122223333', 'us-east-1', '2026-03-02', 'o-abcdefghij'), 'a.json.gz', [
      rec(),
      rec(),
    ]);
    writeTrailFile(dir, trailKey('444455556666', 'eu-west-1', '2026-03-02', 'o-abcdefghij'), 'b.json.gz', [
      rec({ recipientAccountId: '444455556666', awsRegion: 'eu-west-1' }),
    ]);
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(3);
    const { rows } = await store.userQuery(
      'select org_id, path_account_id, path_region, path_date::varchar as d from ingested_files order by path_account_id',
    );
    expect(rows).toEqual([
      { org_id: 'o-abcdefghij', path_account_id: '111122223333', path_region: 'us-east-1', d: '2026-03-02' },
      { org_id: 'o-abcdefghij', path_account_id: '444455556666', path_region: 'eu-west-1', d: '2026-03-02' },
    ]);
    expect(
      await count(
        store,
        'ingest_coverage',
        "account_id = '444455556666' and region = 'eu-west-1' and events = 1",
      ),
    ).toBe(1);
  });

  it('parses account and organization layouts under any key prefix', () => {
    expect(
      parseLayout('/x/prefix/AWSLogs/111122223333/CloudTrail/eu-west-2/2026/03/02/f.json.gz'),
    ).toMatchObject({
      orgId: null,
      accountId: '111122223333',
      region: 'eu-west-2',
      date: '2026-03-02',
      folder: 'CloudTrail',
    });
    expect(
      parseLayout('b/AWSLogs/o-1234567890/111122223333/CloudTrail-Digest/us-east-1/2026/03/02/d.json.gz'),
    ).toMatchObject({
      orgId: 'o-1234567890',
      folder: 'CloudTrail-Digest',
    });
    expect(parseLayout('/tmp/loose.json').accountId).toBeNull();
  });

  it('running the same ingest twice adds nothing', async () => {
    const dir = tempDir();
    writeTrailFile(dir, trailKey('111122223333', 'us-east-1', '2026-03-02'), 'a.json.gz', [
      rec(),
      rec(),
      rec(),
    ]);
    const store = await memoryStore();
    const first = await ingestDir(store, [dir]);
    const second = await ingestDir(store, [dir]);
    expect(first.eventsNew).toBe(3);
    expect(second.skipped).toBe(1);
    expect(second.eventsNew).toBe(0);
    expect(await count(store, 'events')).toBe(3);
    expect(await count(store, 'ingested_files')).toBe(1);
  });

  it('counts a record delivered in two files once, as a duplicate', async () => {
    const dir = tempDir();
    const shared = rec();
    writeTrailFile(dir, 'x', 'a.json.gz', [shared, rec()]);
    writeTrailFile(dir, 'x', 'b.json.gz', [shared, rec()]);
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(3);
    expect(s.eventsDuplicate).toBe(1);
    expect(await count(store, 'events', `event_id = '${shared.eventID}'`)).toBe(1);
    expect(await count(store, 'ingested_files', 'duplicate_count = 1')).toBe(1);
  });

  it('quarantines a corrupt gzip and a truncated file while the rest of the batch loads', async () => {
    const dir = tempDir();
    writeTrailFile(dir, 'x', 'good.json.gz', [rec(), rec()]);
    writeFileSync(
      join(dir, 'x', 'bad.json.gz'),
      Buffer.concat([gzipSync('{"Records":[]}').subarray(0, 12), Buffer.from('garbage')]),
    );
    writeFileSync(
      join(dir, 'x', 'truncated.json'),
      JSON.stringify({ Records: [rec(), rec()] }).slice(0, -40),
    );
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.rejectedFiles).toBe(2);
    expect(s.eventsNew).toBe(2);
    const { rows } = await store.userQuery(
      "select regexp_replace(location, '.*/', '') as f, reason, raw is not null and length(raw) > 0 as has_raw from rejects order by f",
    );
    expect(rows[0]).toMatchObject({ f: 'bad.json.gz', has_raw: true });
    expect(String(rows[0]!.reason)).toMatch(/^corrupt gzip/);
    expect(rows[1]).toMatchObject({ f: 'truncated.json', has_raw: true });
    expect(String(rows[1]!.reason)).toMatch(/^malformed JSON/);
    expect(await count(store, 'ingested_files', "status = 'rejected' and error is not null")).toBe(2);
  });

  it('rejects a bad record alone and keeps its raw text; the good records of the file load', async () => {
    const dir = tempDir();
    const noId = rec();
    delete noId.eventID;
    writeTrailFile(dir, 'x', 'mixed.json.gz', [rec(), noId, 42, rec({ eventTime: 'yesterday' }), rec()]);
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(2);
    expect(s.recordsRejected).toBe(3);
    const { rows } = await store.userQuery(
      'select record_index, reason, raw from rejects order by record_index',
    );
    expect(rows.map((r) => [r.record_index, r.reason])).toEqual([
      [1, 'missing required field(s): eventID'],
      [2, 'record is not a JSON object'],
      [3, 'eventTime is not a timestamp: yesterday'],
    ]);
    expect(JSON.parse(String(rows[0]!.raw)).requestID).toBe(noId.requestID);
  });

  it('loads bare arrays, single records and NDJSON (a bad line rejected alone)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'array.json'), JSON.stringify([rec(), rec()], null, 2));
    writeFileSync(join(dir, 'single.json'), JSON.stringify(rec(), null, 2));
    writeFileSync(
      join(dir, 'lines.ndjson'),
      `${JSON.stringify(rec())}\n{"eventID": broken\n${JSON.stringify(rec())}\n`,
    );
    writeFileSync(join(dir, 'wrapped-later.json'), JSON.stringify({ Meta: 1, Records: [rec()] }));
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.eventsNew).toBe(6);
    expect(s.recordsRejected).toBe(1);
    const { rows } = await store.userQuery('select reason, raw from rejects');
    expect(String(rows[0]!.reason)).toMatch(/^malformed JSON line/);
    expect(rows[0]!.raw).toBe('{"eventID": broken');
  });

  it('keeps unknown fields and loads records without userIdentity', async () => {
    const dir = tempDir();
    const odd = rec({ futureField: { nested: [1, 2] }, vpcEndpointAccountId: 'AWS Internal' });
    const anonymous = rec();
    delete anonymous.userIdentity;
    writeTrailFile(dir, 'x', 'a.json.gz', [odd, anonymous]);
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const { rows } = await store.userQuery(`select extra from events where event_id = '${odd.eventID}'`);
    expect(JSON.parse(String(rows[0]!.extra))).toEqual({
      futureField: { nested: [1, 2] },
      vpcEndpointAccountId: 'AWS Internal',
    });
    expect(
      await count(
        store,
        'events',
        `event_id = '${anonymous.eventID}' and user_identity is null and actor_type is null`,
      ),
    ).toBe(1);
  });

  it('loads a delivery file over 16 MiB uncompressed', async () => {
    const dir = tempDir();
    const pad = 'x'.repeat(1500);
    const records = Array.from({ length: 12_000 }, () => rec({ userAgent: pad }));
    const file = writeTrailFile(dir, 'x', 'big.json.gz', records);
    expect(JSON.stringify({ Records: records }).length).toBeGreaterThan(16 * 1024 * 1024);
    const store = await memoryStore();
    const s = await ingestDir(store, [file]);
    expect(s.eventsNew).toBe(12_000);
  });

  it('loads whole a record holding over 1 MiB of non-ASCII UTF-8 text', async () => {
    const dir = tempDir();
    // 600k two-byte characters: 0.6M UTF-16 units, 1.2 MB of UTF-8 on the line DuckDB reads
    const wide = 'é'.repeat(600_000);
    const file = writeTrailFile(dir, 'x', 'wide.json.gz', [rec({ userAgent: wide }), rec()]);
    const store = await memoryStore();
    const s = await ingestDir(store, [file]);
    expect(s.rejectedFiles).toBe(0);
    expect(s.eventsNew).toBe(2);
    const { rows } = await store.userQuery('select max(length(user_agent)) as n from events');
    expect(Number(rows[0]!.n)).toBe(600_000);
  });

  it('recognises digest files and keeps them out of events', async () => {
    const dir = tempDir();
    const rel = join('AWSLogs', '111122223333', 'CloudTrail-Digest', 'us-east-1', '2026', '03', '02');
    mkdirSync(join(dir, rel), { recursive: true });
    writeFileSync(
      join(dir, rel, '111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20260302T110000Z.json.gz'),
      gzipSync(
        JSON.stringify({ awsAccountId: '111122223333', digestEndTime: '2026-03-02T11:00:00Z', logFiles: [] }),
      ),
    );
    writeTrailFile(dir, trailKey('111122223333', 'us-east-1', '2026-03-02'), 'a.json.gz', [rec()]);
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.digests).toBe(1);
    expect(await count(store, 'events')).toBe(1);
    expect(await count(store, 'ingested_files', "kind = 'digest' and digest_status = 'unchecked'")).toBe(1);
  });

  it('in folders, skips files that cannot hold CloudTrail by a named rule, but reads a file named explicitly', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'LICENSE'), 'text');
    writeFileSync(join(dir, 'notes.md'), 'text');
    writeFileSync(join(dir, 'a.json.cloudtrail'), '[]');
    const walked = walkPaths([dir]);
    expect(walked.files.map((f) => f.location.replace(/.*\//, ''))).toEqual(['a.json.cloudtrail']);
    expect(walked.skipped).toEqual([
      { location: join(dir, 'LICENSE'), rule: 'not_json' },
      { location: join(dir, 'notes.md'), rule: 'not_json' },
    ]);
    expect(walkPaths([join(dir, 'LICENSE')]).files).toHaveLength(1);
    expect(() => walkPaths([join(dir, 'missing')])).toThrow(/no such file or folder: .*missing/);
  });

  it('walks a folder at a time: a file added to a later folder mid-walk is found; a missing root fails at once', () => {
    const dir = tempDir();
    writeTrailFile(dir, 'a', 'a1.json.gz', [rec()]);
    writeTrailFile(dir, 'b', 'b1.json.gz', [rec()]);
    const walk = walkFiles([dir]);
    const first = walk.files.next();
    expect(first.done ? null : first.value.location).toBe(join(dir, 'a', 'a1.json.gz'));
    // folder b has not been listed yet: what is in it when the walk gets there is what it reads
    writeTrailFile(dir, 'b', 'b0.json.gz', [rec()]);
    expect([...walk.files].map((f) => f.location)).toEqual([
      join(dir, 'b', 'b0.json.gz'),
      join(dir, 'b', 'b1.json.gz'),
    ]);
    expect(() => walkFiles([dir, join(dir, 'missing')])).toThrow(/no such file or folder: .*missing/);
  });

  it('walks the folders twice only when a progress bar wants the total', async () => {
    const dir = tempDir();
    for (const name of ['a', 'b', 'c']) writeTrailFile(dir, name, `${name}.json.gz`, [rec()]);
    let listings = 0;
    const fs = {
      readdirSync: ((path: string, options: { withFileTypes: true }) => {
        listings++;
        return readdirSync(path, options);
      }) as never,
    };
    const totals: number[] = [];
    const bar = (shown: boolean) => ({ shown, start: (t: number) => totals.push(t), tick() {}, stop() {} });
    const quiet = await ingestDir(await memoryStore(), [dir], bar(false), undefined, { fs });
    expect(quiet.loaded).toBe(3);
    expect(listings).toBe(4); // the root and its three folders
    listings = 0;
    const shown = await ingestDir(await memoryStore(), [dir], bar(true), undefined, { fs });
    expect(shown.loaded).toBe(3);
    expect(listings).toBe(8);
    expect(totals).toEqual([0, 3]);
  });

  it('a stopped run still counts what it did not read, through the rest of the walk', async () => {
    const dir = tempDir();
    for (const name of ['a', 'b', 'c']) writeTrailFile(dir, name, `${name}.json.gz`, [rec()]);
    const stop = new AbortController();
    // the stop comes as the walk lists the second folder, after the first one's file was added
    const fs = {
      readdirSync: ((path: string, options: { withFileTypes: true }) => {
        if (path.endsWith('/b')) stop.abort();
        return readdirSync(path, options);
      }) as never,
    };
    const s = await ingestDir(await memoryStore(), [dir], undefined, stop.signal, { fs });
    expect(s.interrupted).toBe(true);
    expect(s.found).toBe(3);
    expect(s.loaded).toBe(1);
    expect(s.unaccounted).toBe(2);
  });

  it('binds record text as data: an eventID that looks like SQL is stored verbatim', async () => {
    const dir = tempDir();
    const evil = rec({ eventID: "x'); drop table events; --", userAgent: '<script>alert(1)</script>' });
    writeTrailFile(dir, 'x', 'a.json.gz', [evil]);
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const { rows } = await store.userQuery('select event_id, user_agent from events');
    expect(rows).toEqual([
      { event_id: "x'); drop table events; --", user_agent: '<script>alert(1)</script>' },
    ]);
  });

  it("keeps a digest's logFiles as written, so verify can tell a list that is not one from an empty list", async () => {
    const dir = tempDir();
    const folder = join(dir, 'AWSLogs', '111122223333', 'CloudTrail-Digest', 'us-east-1', '2026', '03', '02');
    mkdirSync(folder, { recursive: true });
    const digest = (logFiles: unknown) => ({
      awsAccountId: '111122223333',
      digestStartTime: '2026-03-02T10:00:00Z',
      digestEndTime: '2026-03-02T11:00:00Z',
      digestPublicKeyFingerprint: 'ab',
      logFiles,
    });
    const name = (h: string) =>
      `111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20260302T${h}0000Z.json.gz`;
    writeFileSync(
      join(folder, name('11')),
      gzipSync(JSON.stringify(digest({ s3Object: 'x', hashValue: 'y' }))),
    );
    writeFileSync(join(folder, name('12')), gzipSync(JSON.stringify(digest([]))));
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const { rows } = await store.userQuery('select log_files::varchar as l from digests order by file_id');
    expect(rows.map((r) => r.l).sort()).toEqual(['[]', '{"s3Object":"x","hashValue":"y"}']);
  });
});

describe('ingest into a database file', () => {
  async function rowGroups(store: Store): Promise<number> {
    const { rows } = await store.userQuery(
      "select count(distinct row_group_id)::integer as n from pragma_storage_info('events')",
    );
    return Number(rows[0]!.n);
  }

  async function usedBlocks(store: Store): Promise<number> {
    const { rows } = await store.userQuery('select used_blocks::integer as n from pragma_database_size()');
    return Number(rows[0]!.n);
  }

  it("keeps each run's row groups as written through later checkpoints; correlate's rebuilds do not grow the file", async () => {
    const dir = tempDir();
    const path = join(dir, 'store.duckdb');
    let store = await Store.open({ path, memoryLimit: '1GB' });
    try {
      for (const run of ['a', 'b']) {
        const trail = join(dir, run);
        const records = Array.from({ length: 200 }, () => rec());
        writeTrailFile(trail, trailKey('111122223333', 'us-east-1', '2026-03-02'), `${run}.json.gz`, records);
        await ingestDir(store, [trail]);
      }
      expect(await count(store, 'events')).toBe(400);
      // each run ends in a checkpoint; the second run's rows start a row group of their own, which a
      // vacuum would fold into the first, writing both again
      expect(await rowGroups(store)).toBe(2);
      // nor does the next command's checkpoint fold them (the store opens without the vacuum)
      await correlate(store);
      store.close();
      store = await Store.open({ path, memoryLimit: '1GB' });
      expect(await rowGroups(store)).toBe(2);
      // correlate empties and refills its tables: the emptied row groups are dropped all the same
      await correlate(store);
      await store.run('store/checkpoint');
      const used = await usedBlocks(store);
      for (let i = 0; i < 3; i++) {
        await correlate(store);
        await store.run('store/checkpoint');
      }
      expect(await usedBlocks(store)).toBe(used);
    } finally {
      store.close();
    }
  });
});

describe('a batch DuckDB has no memory for', () => {
  const OUT_OF_MEMORY =
    'Out of Memory Error: failed to allocate data of size 16.0 MiB (243.9 MiB/244.1 MiB used)';

  /** A store whose statements run out of memory the first times they run: `times` of each named. */
  async function tightStore(dir: string, times: Record<string, number>) {
    const store = await Store.open({ path: join(dir, 'store.duckdb'), memoryLimit: '1GB' });
    const calls: string[] = [];
    const run = store.run.bind(store);
    const left = { ...times };
    store.run = (name, params) => {
      calls.push(name === 'ingest/set_threads' ? `${name} ${String(params?.value)}` : name);
      if ((left[name] ?? 0) > 0) {
        left[name]!--;
        return Promise.reject(
          new StoreError(`query ${name} failed: ${OUT_OF_MEMORY}`, { cause: new Error(OUT_OF_MEMORY) }),
        );
      }
      return run(name, params);
    };
    return { store, calls };
  }

  function trail(dir: string): string {
    const root = join(dir, 'trail');
    for (const name of ['a', 'b', 'c']) {
      const records = Array.from({ length: 50 }, () => rec());
      writeTrailFile(root, trailKey('111122223333', 'us-east-1', '2026-03-02'), `${name}.json.gz`, records);
    }
    return root;
  }

  const threads = async (store: Store) =>
    (await store.userQuery("select current_setting('threads')::varchar as v")).rows[0]!.v;

  it('rolls the batch back and loads it again on one thread, then puts the threads back', async () => {
    const dir = tempDir();
    const root = trail(dir);
    const { store, calls } = await tightStore(dir, { 'ingest/insert_events_whole': 1 });
    try {
      const before = await threads(store);
      const summary = await ingestDir(store, [root]);
      expect(summary.loaded).toBe(3);
      expect(summary.eventsNew).toBe(150);
      expect(await count(store, 'events')).toBe(150);
      expect(await count(store, 'ingested_files')).toBe(3);
      expect(calls.filter((c) => c === 'ingest/insert_events_whole')).toHaveLength(2);
      expect(calls.filter((c) => c.startsWith('ingest/set_threads'))).toEqual([
        'ingest/set_threads 1',
        `ingest/set_threads ${before}`,
      ]);
      expect(await threads(store)).toBe(before);
    } finally {
      store.close();
    }
  });

  it('out of memory on one thread too: takes the whole files again a line per record, storing the same', async () => {
    const dir = tempDir();
    const root = trail(dir);
    const plain = await Store.open({ path: join(dir, 'plain.duckdb') });
    const { store, calls } = await tightStore(dir, { 'ingest/insert_events_whole': 2 });
    try {
      const before = await threads(store);
      const expected = await ingestDir(plain, [root]);
      const summary = await ingestDir(store, [root]);
      expect({ ...summary, seconds: 0 }).toEqual({ ...expected, seconds: 0 });
      expect(await storeHash(store, root)).toEqual(await storeHash(plain, root));
      expect(await count(store, 'events')).toBe(150);
      expect(calls.filter((c) => c === 'ingest/insert_events_whole')).toHaveLength(2);
      // only the third try has lines of records to stage
      expect(calls.filter((c) => c === 'ingest/stage_fast')).toHaveLength(1);
      expect(await threads(store)).toBe(before);
    } finally {
      store.close();
      plain.close();
    }
  });

  it('out of memory a line per record too: fails naming the limit to raise, with nothing of the batch kept', async () => {
    const dir = tempDir();
    const root = trail(dir);
    const { store } = await tightStore(dir, { 'ingest/insert_events_whole': 2, 'ingest/stage_fast': 2 });
    try {
      const before = await threads(store);
      await expect(ingestDir(store, [root])).rejects.toThrow(
        /Out of Memory Error.*on one thread too; COPYTRAIL_INGEST_MEMORY_LIMIT/,
      );
      expect(await count(store, 'events')).toBe(0);
      expect(await count(store, 'ingested_files')).toBe(0);
      expect(await threads(store)).toBe(before);
    } finally {
      store.close();
    }
  });
});
