// eventID is unique in events across batches, runs and time: a re-delivery is counted, never
// stored twice; a "re-delivery" that disagrees on eventTime is rejected with both times named; and
// correlate cannot trip over a copy call delivered twice.
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { copySnapshot, deliver } from '../correlate/fixtures.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';

const copy = () =>
  copySnapshot({
    at: '2026-03-02T10:00:05Z',
    region: 'eu-west-1',
    account: '111122223333',
    sourceRegion: 'us-east-1',
    sourceSnap: 'snap-0aaaaaaaaaaaaaaa1',
    newSnap: 'snap-0bbbbbbbbbbbbbbb2',
  });

describe('event identity', () => {
  it('a record re-delivered days later, in another batch, is stored once and counted as a duplicate', async () => {
    const store = await memoryStore();
    const dir = tempDir();
    const call = copy();
    await deliver(store, dir, [call]);
    // a later delivery far outside the first batch's time range, carrying the same record
    const later = { ...copy(), eventTime: '2026-03-09T08:00:00Z' };
    await deliver(store, dir, [later, call]);
    expect(await count(store, 'events', `event_id = '${call.eventID}'`)).toBe(1);
    expect(await count(store, 'ingested_files', 'duplicate_count = 1')).toBe(1);
    expect(await count(store, 'events')).toBe(2);
  });

  it('a record whose eventID is stored with another eventTime is rejected, naming both times', async () => {
    const store = await memoryStore();
    const dir = tempDir();
    const call = copy();
    await deliver(store, dir, [call]);
    const altered = { ...call, eventTime: '2026-03-05T23:59:59Z' };
    const file = `${dir}/altered.json`;
    (await import('node:fs')).writeFileSync(file, JSON.stringify({ Records: [altered] }));
    const s = await ingestDir(store, [file]);
    expect(s.eventsNew).toBe(0);
    expect(s.recordsRejected).toBe(1);
    expect(await count(store, 'events', `event_id = '${call.eventID}'`)).toBe(1);
    const { rows } = await store.userQuery(
      `select reason, raw from rejects where location like '%altered.json'`,
    );
    expect(rows).toHaveLength(1);
    expect(String(rows[0]!.reason)).toContain('2026-03-02T10:00:05Z');
    expect(String(rows[0]!.reason)).toContain('2026-03-05T23:59:59Z');
    // nothing is lost: the rejected record's text is kept
    expect(JSON.parse(String(rows[0]!.raw)).eventTime).toBe('2026-03-05T23:59:59Z');
    // the stored event still has its first time
    const stored = await store.userQuery(
      `select strftime(event_time, '%Y-%m-%dT%H:%M:%SZ') as t from events where event_id = '${call.eventID}'`,
    );
    expect(stored.rows[0]!.t).toBe('2026-03-02T10:00:05Z');
  });

  it('correlate succeeds on a copy call delivered twice, days apart, and makes one copy', async () => {
    const store = await memoryStore();
    const dir = tempDir();
    const call = copy();
    await deliver(store, dir, [call]);
    await deliver(store, dir, [{ ...copy() }, call]);
    await deliver(store, dir, [{ ...call, eventTime: '2026-03-04T10:00:05Z' }]);
    const summary = await correlate(store);
    expect(summary.copies).toBe(2);
    expect(await count(store, 'copies', `request_event_id = '${call.eventID}'`)).toBe(1);
  });

  it('a database written before the check keeps the first copy of each event id', async () => {
    const store = await memoryStore();
    const dir = tempDir();
    const call = copy();
    await deliver(store, dir, [call]);
    // the state an older copytrail could leave: the same event twice, under two files
    await store.userQuery(
      `insert into events select * replace (file_id + 100 as file_id, event_time + interval 3 day as event_time) from events`,
    );
    expect(await count(store, 'events')).toBe(2);
    await store.userQuery(`delete from schema_migrations where name = 'schema/008_unique_events'`);
    expect(await store.migrate()).toBe(1);
    const { rows } = await store.userQuery('select file_id::integer as f from events');
    expect(rows).toEqual([{ f: 1 }]);
  });
});
