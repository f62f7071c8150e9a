// The stored values do not depend on how ingest gets them: these hashes of events, ledger, rejects and
// coverage were computed with the SQL-only normaliser (before the prepare workers normalised in JS),
// over a seeded simulator trail with digests and over the third-party real data.
import { describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { simulate } from '../../simulator/simulate.ts';
import { memoryStore, REAL_DATA, tempDir } from '../helpers.ts';
import { storeHash } from './store-hash.ts';

describe('stored values, against goldens from the SQL normaliser', () => {
  it('a simulated trail (5,000 records, 2 days, digests, seed 7)', async () => {
    const root = tempDir();
    simulate({ out: root, events: 5000, days: 2, seed: 7, start: '2026-03-01' });
    const store = await memoryStore();
    await ingestDir(store, [root]);
    expect(await storeHash(store, root)).toEqual({
      events: 4958,
      events_hash: '924d80553d514b24f66dfc57ff004696',
      files_hash: '42060cb49f6a9897bfd70cdfb8319020',
      rejects_hash: null,
      coverage_hash: '226a4f9b9897d471e56f8dc015427b86',
    });
    store.close();
  }, 120_000);

  it('the third-party real data', async () => {
    const store = await memoryStore();
    await ingestDir(store, [REAL_DATA]);
    expect(await storeHash(store, REAL_DATA)).toEqual({
      events: 3536,
      events_hash: 'd238b9f191c3d59b078458b617cb9800',
      files_hash: '0e5bfda765772093c7a4c0c209b762a9',
      rejects_hash: '471e58e3835056f1bccf7f30ae30673b',
      coverage_hash: '4c6236df949929d01fd7081f17a9618d',
    });
    store.close();
  }, 120_000);
});
