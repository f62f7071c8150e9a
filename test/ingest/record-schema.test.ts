// The zod record contract and the SQL normalizer must accept and reject the same records.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { CloudTrailRecord } from '../../ingest/record-schema.ts';
import { memoryStore, tempDir } from '../helpers.ts';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 12 });

const recordArb = fc
  .record({
    eventID: maybe(fc.oneof({ arbitrary: fc.uuid(), weight: 12 }, fc.constant(''), fc.integer())),
    eventTime: maybe(
      fc.oneof(
        {
          arbitrary: fc
            .date({ min: new Date('2015-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
            .map((d) => `${d.toISOString().slice(0, 19)}Z`),
          weight: 12,
        },
        fc.constantFrom('yesterday', '2026-13-45T99:00:00Z', '', 1700000000),
      ),
    ),
    eventSource: maybe(fc.constantFrom('ec2.amazonaws.com', 'kms.amazonaws.com')),
    eventName: maybe(fc.constantFrom('CopySnapshot', 'Decrypt')),
    userIdentity: maybe(fc.constant({ type: 'IAMUser', accountId: '111122223333' })),
    extraField: maybe(fc.string()),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

describe('record contract', () => {
  it('zod and the SQL normalizer agree on which records load', async () => {
    const samples = fc.sample(recordArb, { numRuns: 300, seed: 20261123 });
    const records = samples.map((r, i) =>
      typeof r.eventID === 'string' && r.eventID ? { ...r, eventID: `${r.eventID}-${i}` } : r,
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'records.json'), JSON.stringify(records));
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const { rows } = await store.userQuery('select record_index from rejects where record_index is not null');
    const rejectedBySql = new Set(rows.map((r) => Number(r.record_index)));
    const disagreements = records
      .map((r, i) => ({ i, r, zod: CloudTrailRecord.safeParse(r).success, sql: !rejectedBySql.has(i) }))
      .filter((x) => x.zod !== x.sql);
    expect(disagreements).toEqual([]);
    // both kinds occur, so the comparison means something
    expect(rejectedBySql.size).toBeGreaterThan(30);
    expect(rejectedBySql.size).toBeLessThan(records.length - 30);
  });
});
