// The Athena pushdown as DuckDB runs it over trail files (ingest/pushdown-local.ts): named records,
// each kept or left in Athena for a stated reason; the filter text held to what both engines read
// alike; and the slice it selects, ingested and correlated, giving the same lineage as everything.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { lineage, renderLineage } from '../../correlate/lineage.ts';
import { athenaFilter } from '../../ingest/athena.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { openLocalTable, sliceCounts, sliceRecords, writeSlice } from '../../ingest/pushdown-local.ts';
import type { EventFilter } from '../../ingest/query-source.ts';
import { sqlText } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { memoryStore, tempDir } from '../helpers.ts';

const A = '111122223333';
const B = '444455556666';
const ORG = 'o-abcdefghij';

interface Named {
  id: string;
  account?: string;
  region?: string;
  day?: string;
  source?: string;
  name: string;
  params?: unknown;
  error?: string;
  time?: string;
  /** selected by the default (evidence) filter over every account and region */
  kept: boolean;
}

const kms = 'kms.amazonaws.com';
// named positive and negative records: why each is kept or stays in Athena
const RECORDS: Named[] = [
  {
    id: 'ebs-context',
    source: kms,
    name: 'Decrypt',
    params: { encryptionContext: { 'aws:ebs:id': 'snap-1' } },
    kept: true,
  },
  {
    id: 'rds-grant-constraint',
    source: kms,
    name: 'CreateGrant',
    params: { constraints: { encryptionContextSubset: { 'aws:rds:db-id': 'db-ABC' } } },
    kept: true,
  },
  {
    id: 'reencrypt-source-context',
    source: kms,
    name: 'ReEncrypt',
    params: {
      sourceEncryptionContext: { 'aws:ebs:id': 'vol-1' },
      destinationEncryptionContext: { 'aws:ebs:id': 'snap-2' },
    },
    kept: true,
  },
  {
    id: 's3-replication',
    source: kms,
    name: 'GenerateDataKey',
    params: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b' } },
    kept: true,
  },
  {
    id: 's3-denied',
    source: kms,
    name: 'Decrypt',
    params: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b/o' } },
    error: 'AccessDenied',
    kept: true,
  },
  {
    id: 'no-context',
    source: kms,
    name: 'GenerateDataKey',
    params: { keyId: 'alias/x', keySpec: 'AES_256' },
    kept: true,
  },
  {
    id: 'empty-context',
    source: kms,
    name: 'Decrypt',
    params: { encryptionContext: {}, keyId: 'k' },
    kept: true,
  },
  { id: 'null-parameters', source: kms, name: 'RetireGrant', params: null, kept: true },
  {
    id: 'ebs-context-failed',
    source: kms,
    name: 'Decrypt',
    params: { encryptionContext: { 'aws:ebs:id': 'vol-9' } },
    error: 'AccessDenied',
    kept: false,
  },
  {
    id: 'secret-context',
    source: kms,
    name: 'Decrypt',
    params: { encryptionContext: { SecretARN: 'arn:aws:secretsmanager:x' } },
    kept: false,
  },
  {
    id: 'backup-vault-context',
    source: kms,
    name: 'GenerateDataKey',
    params: { encryptionContext: { 'aws:backup:backup-vault': 'v' } },
    kept: false,
  },
  { id: 'describe-key', source: kms, name: 'DescribeKey', params: { keyId: 'k' }, kept: false },
  { id: 'copy-snapshot', name: 'CopySnapshot', params: { sourceSnapshotId: 'snap-1' }, kept: true },
  {
    id: 'copy-snapshot-account-b',
    account: B,
    name: 'CopySnapshot',
    params: { sourceSnapshotId: 'snap-3' },
    kept: true,
  },
  {
    id: 'copy-snapshot-eu',
    region: 'eu-west-1',
    name: 'CopySnapshot',
    params: { sourceSnapshotId: 'snap-4' },
    kept: true,
  },
  { id: 'describe-instances', name: 'DescribeInstances', params: {}, kept: false },
  { id: 'before-window', name: 'CopySnapshot', day: '2026/02/20', time: '2026-02-20T10:00:00Z', kept: false },
];

const SINCE = new Date('2026-03-01T00:00:00Z');
const UNTIL = new Date('2026-03-03T00:00:00Z');

let work: string;
let trail: string;
let conn: Awaited<ReturnType<DuckDBInstance['connect']>>;

function record(r: Named): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: r.time ?? '2026-03-01T10:00:00Z',
    eventSource: r.source ?? 'ec2.amazonaws.com',
    eventName: r.name,
    awsRegion: r.region ?? 'us-east-1',
    ...(r.error ? { errorCode: r.error } : {}),
    requestParameters: r.params ?? null,
    eventID: r.id,
    recipientAccountId: r.account ?? A,
  };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'copytrail-pushdown-'));
  trail = join(work, 'trail');
  const groups = new Map<string, Named[]>();
  for (const r of RECORDS) {
    const folder = `AWSLogs/${ORG}/${r.account ?? A}/CloudTrail/${r.region ?? 'us-east-1'}/${r.day ?? '2026/03/01'}`;
    groups.set(folder, [...(groups.get(folder) ?? []), r]);
  }
  for (const [folder, rs] of groups) {
    mkdirSync(join(trail, folder), { recursive: true });
    writeFileSync(join(trail, folder, 'f.json.gz'), gzipSync(JSON.stringify({ Records: rs.map(record) })));
  }
  const db = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  conn = await db.connect();
  await openLocalTable(conn, `${trail}/AWSLogs/**/*.json.gz`);
});

afterAll(() => {
  conn?.closeSync();
  rmSync(work, { recursive: true, force: true });
});

const ids = async (f: Partial<EventFilter>) =>
  [...(await sliceRecords(conn, { since: SINCE, until: UNTIL, ...f })).values()]
    .flat()
    .map((r) => String((JSON.parse(r) as { eventID: string }).eventID))
    .sort();

describe('the pushdown over trail files, record by record', () => {
  for (const r of RECORDS) {
    it(`${r.id}: ${r.kept ? 'comes back' : 'stays in Athena'}`, async () => {
      expect((await ids({})).includes(r.id)).toBe(r.kept);
    });
  }

  it('--all-kms brings back every KMS record of a lineage operation, failed ones too', async () => {
    const all = await ids({ allKms: true });
    const lineageKms = RECORDS.filter((r) => r.source === kms && r.name !== 'DescribeKey').map((r) => r.id);
    for (const id of lineageKms) expect(all).toContain(id);
    expect(all).not.toContain('describe-key');
  });

  it('prunes on the account and region partitions of each file’s folder', async () => {
    expect(await ids({ accounts: [B] })).toEqual(['copy-snapshot-account-b']);
    expect(await ids({ regions: ['eu-west-1'] })).toEqual(['copy-snapshot-eu']);
    const a = await ids({ accounts: [A], regions: ['us-east-1'] });
    expect(a).toEqual(
      RECORDS.filter((r) => r.kept && !r.account && !r.region)
        .map((r) => r.id)
        .sort(),
    );
  });

  it('counts records and their bytes per event source, all and the slice', async () => {
    const counts = await sliceCounts(conn, { since: SINCE, until: UNTIL });
    const of = (cs: typeof counts) =>
      cs.reduce(
        (a, c) => ({
          records: a.records + c.records,
          bytes: a.bytes + c.bytes,
          sliceRecords: a.sliceRecords + c.sliceRecords,
          sliceBytes: a.sliceBytes + c.sliceBytes,
        }),
        { records: 0, bytes: 0, sliceRecords: 0, sliceBytes: 0 },
      );
    const k = of(counts.filter((c) => c.eventSource === kms));
    // KMS records told apart by context key and failure
    const key = (contextKey: string, failed = false) =>
      counts.find((c) => c.eventSource === kms && c.contextKey === contextKey && c.failed === failed);
    expect(key('SecretARN')).toMatchObject({ records: 1, sliceRecords: 0 });
    expect(key('aws:ebs:id', true)).toMatchObject({ records: 1, sliceRecords: 0 });
    expect(key('aws:s3:arn', true)).toMatchObject({ records: 1, sliceRecords: 1 });
    expect(key('aws:rds:db-id')).toMatchObject({ records: 1, sliceRecords: 1 });
    expect(counts.filter((c) => c.eventSource !== kms).every((c) => c.contextKey === null)).toBe(true);
    expect(k.records).toBe(RECORDS.filter((r) => r.source === kms).length);
    expect(k.sliceRecords).toBe(RECORDS.filter((r) => r.source === kms && r.kept).length);
    const total = counts.reduce((n, c) => n + c.bytes, 0);
    const json = RECORDS.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(record(r))), 0);
    // DuckDB writes the record's JSON as read; within a few bytes a record of the compact text
    expect(Math.abs(total - json)).toBeLessThan(RECORDS.length * 4);
    expect(k.sliceBytes).toBeLessThan(k.bytes);
    expect(k.sliceBytes).toBeGreaterThan(0);
  });
});

describe('the filter text is one both engines read alike', () => {
  it('calls only functions Trino and DuckDB define the same way, and binds every value', () => {
    const text = sqlText('athena/lineage_filter')
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('--'))
      .join('\n');
    const calls = new Set([...text.matchAll(/([A-Za-z_]+)\(/g)].map((m) => m[1]!.toLowerCase()));
    expect([...calls].sort()).toEqual(['contains', 'split', 'strpos']);
    // no context key, account, region or day is written into the text: they are parameters
    for (const v of ['aws:ebs:id', 'aws:rds:db-id', 'aws:s3:arn', 'us-east-1', A, '2026/'])
      expect(text).not.toContain(v);
    const f = athenaFilter({ since: SINCE, until: UNTIL, accounts: [A], regions: ['us-east-1'] });
    for (const v of ['aws:ebs:id', 'aws:rds:db-id', 'aws:s3:arn', 'us-east-1', A, '2026/02/28', '2026/03/03'])
      expect(f.params).toContain(v);
  });
});

describe('lineage from the slice alone', () => {
  it('is the lineage of the whole trail', async () => {
    const work = tempDir('copytrail-slice-lineage-');
    const sim = simulate({
      out: join(work, 'trail'),
      events: 4000,
      days: 2,
      start: '2026-03-01',
      seed: 7,
      digests: false,
      volumeCopies: true,
    });
    const db = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const local = await db.connect();
    try {
      await openLocalTable(local, `${sim.out}/AWSLogs/**/*.json.gz`);
      // the whole simulated span and the day late deliveries spill into
      const window = { since: new Date('2026-02-28T00:00:00Z'), until: new Date('2026-03-05T00:00:00Z') };
      const slice = await sliceRecords(local, window);
      const sliceDir = join(work, 'slice');
      writeSlice(slice, sim.out, sliceDir);
      const counts = await sliceCounts(local, window);
      const all = counts.reduce((n, c) => n + c.records, 0);
      const kept = counts.reduce((n, c) => n + c.sliceRecords, 0);
      // the slice is a small part of the trail, and not empty
      expect(kept).toBeLessThan(all / 2);
      expect(kept).toBeGreaterThan(100);

      const everything = await memoryStore();
      await ingestDir(everything, [sim.out]);
      await correlate(everything);
      const sliced = await memoryStore();
      await ingestDir(sliced, [sliceDir]);
      await correlate(sliced);
      const want = renderLineage(await lineage(everything, null), 'json');
      const got = renderLineage(await lineage(sliced, null), 'json');
      expect((JSON.parse(want) as unknown[]).length).toBeGreaterThan(10);
      expect(got).toBe(want);
      // the files written are trail files: a gzip of {"Records": […]}
      const first = [...slice.keys()][0]!;
      expect(readFileSync(join(sliceDir, first.slice(sim.out.length))).subarray(0, 2)).toEqual(
        Buffer.from([0x1f, 0x8b]),
      );
    } finally {
      local.closeSync();
    }
  }, 120_000);
});
