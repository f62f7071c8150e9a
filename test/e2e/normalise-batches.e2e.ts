// The three normalisers (SQL, a line per record, whole files typed) store the same values when every
// file is a batch of its own: a record re-delivered with another time then meets the stored one and is
// rejected as a conflict, the same way whichever normaliser read it. A transaction per file over some
// ninety odd files, three times: too slow for `npm test`, which compares them in one batch.
import { afterEach, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { writeAll } from '../ingest/normalise-fixtures.ts';
import { storeHash } from '../ingest/store-hash.ts';

afterEach(() => {
  delete process.env.COPYTRAIL_FAST_NORMALISE;
  delete process.env.COPYTRAIL_BATCH_MB;
});

it('stores the same values as the SQL normaliser with a batch per file, conflicts included', async () => {
  const dir = tempDir();
  writeAll(dir);
  process.env.COPYTRAIL_BATCH_MB = '0.000001';
  const results = [];
  for (const fast of ['0', 'records', 'typed']) {
    process.env.COPYTRAIL_FAST_NORMALISE = fast;
    const store = await memoryStore();
    const summary = await ingestDir(store, [dir]);
    const conflicts = await store.conn.runAndReadAll(
      `select count(*)::integer as n from rejects where reason like 'eventID is stored already%'`,
    );
    results.push({
      hash: await storeHash(store, dir),
      conflicts: conflicts.getRowObjectsJson()[0]!.n,
      summary: { ...summary, seconds: 0 },
    });
    store.close();
  }
  expect(results[0]!.hash.events).toBeGreaterThan(30);
  expect(results[0]!.conflicts, 'records re-delivered with another time').toBeGreaterThanOrEqual(4);
  expect(results[1], 'a line per record').toEqual(results[0]);
  expect(results[2], 'whole files, typed').toEqual(results[0]);
});
