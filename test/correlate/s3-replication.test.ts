// Named scenarios for S3 replication lineage: one edge per (source bucket, destination) from
// PutBucketReplication, its status over the configuration's life, and the replication role's KMS
// calls rolled up per hour as its evidence; other principals' calls and calls outside the
// configuration's life never count.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { lineage, renderLineage } from '../../correlate/lineage.ts';
import { Store } from '../../queries/store.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';
import { copySnapshot, deliver, kms } from './fixtures.ts';
import {
  A1,
  A2,
  createBucket,
  deleteReplication,
  putEncryption,
  putReplication,
  roleArn,
  roleSession,
  rule,
  s3Kms,
} from './s3-replication-records.ts';

const MRK = 'mrk-1234567890abcdef1234567890abcdef';
const mrk = (region: string, account = A1) => `arn:aws:kms:${region}:${account}:key/${MRK}`;
const cmk = (region: string, account: string, n: number) =>
  `arn:aws:kms:${region}:${account}:key/${String(n).repeat(8)}-1111-4111-8111-111111111111`;
const ROLE = roleArn(A1);
const pad = (n: number) => String(n).padStart(2, '0');

/** `n` KMS calls of one kind, one per object, spread over the minutes of an hour. */
function perObject(o: {
  prefix: string;
  hour: string;
  n: number;
  name: 'Decrypt' | 'GenerateDataKey' | 'Encrypt';
  key: string;
  bucket: string;
  identity?: Record<string, unknown>;
  error?: string;
  recipient?: string;
  shared?: boolean;
}) {
  return Array.from({ length: o.n }, (_, i) =>
    s3Kms({
      id: `${o.prefix}-${i}`,
      at: `${o.hour}:${pad(i % 60)}:${pad((i * 7) % 60)}Z`,
      name: o.name,
      key: o.key,
      s3arn: i % 2 ? `arn:aws:s3:::${o.bucket}` : `arn:aws:s3:::${o.bucket}/data/part-${i}.parquet`,
      identity: o.identity ?? roleSession(ROLE),
      error: o.error,
      recipient: o.recipient,
      sharedEventId: o.shared ? `shared-${o.prefix}-${i}` : undefined,
    }),
  );
}

async function run(records: unknown[]): Promise<Store> {
  const store = await memoryStore();
  await deliver(store, tempDir(), records);
  await correlate(store);
  return store;
}

async function edges(store: Store) {
  const { rows } = await store.userQuery(
    "select * from copies where kind = 's3_replication' order by copy_id",
  );
  return rows;
}

async function hourly(store: Store) {
  const { rows } = await store.userQuery(
    "select copy_id, strftime(hour, '%H') as hour, side, event_name, events, denied, records from copy_evidence_hourly order by copy_id, hour, side, event_name",
  );
  return rows.map(
    (r) => `${r.copy_id} ${r.hour} ${r.side}:${r.event_name} ${r.events}/${r.denied}/${r.records}`,
  );
}

const base = (rules: ReturnType<typeof rule> | ReturnType<typeof rule>[], extra: { role?: string } = {}) =>
  putReplication({
    id: 'put-1',
    at: '2026-03-02T09:00:00Z',
    region: 'eu-west-1',
    bucket: 'orders-eu',
    rules,
    ...extra,
  });

describe('correlate: S3 replication', () => {
  it('positive: an active edge under a multi-Region key, its role calls rolled up per hour', async () => {
    const store = await run([
      putEncryption({
        id: 'enc-1',
        at: '2026-03-01T08:00:00Z',
        region: 'eu-west-1',
        bucket: 'orders-eu',
        key: mrk('eu-west-1'),
      }),
      base(rule({ dest: 'orders-dr', key: mrk('eu-central-1') })),
      ...perObject({
        prefix: 'src10',
        hour: '2026-03-02T10',
        n: 30,
        name: 'Decrypt',
        key: mrk('eu-west-1'),
        bucket: 'orders-eu',
      }),
      ...perObject({
        prefix: 'dst10',
        hour: '2026-03-02T10',
        n: 30,
        name: 'GenerateDataKey',
        key: mrk('eu-central-1'),
        bucket: 'orders-dr',
      }),
      ...perObject({
        prefix: 'src11',
        hour: '2026-03-02T11',
        n: 5,
        name: 'Decrypt',
        key: mrk('eu-west-1'),
        bucket: 'orders-eu',
      }),
      ...perObject({
        prefix: 'enc11',
        hour: '2026-03-02T11',
        n: 5,
        name: 'Encrypt',
        key: mrk('eu-central-1'),
        bucket: 'orders-dr',
      }),
    ]);
    const [e] = await edges(store);
    expect(e).toMatchObject({
      copy_id: 'put-1#orders-dr',
      kind: 's3_replication',
      api: 'PutBucketReplication',
      mechanism: 's3_replication',
      status: 'active',
      request_event_id: 'put-1',
      source_id: 'orders-eu',
      source_arn: 'arn:aws:s3:::orders-eu',
      source_region: 'eu-west-1',
      source_account: A1,
      source_key_arn: mrk('eu-west-1'),
      target_id: 'orders-dr',
      target_arn: 'arn:aws:s3:::orders-dr',
      target_region: 'eu-central-1',
      target_account: A1,
      target_key_arn: mrk('eu-central-1'),
      key_change: 'mrk_replica',
      replication_role: ROLE,
      ended_at: null,
    });
    expect(await hourly(store)).toEqual([
      'put-1#orders-dr 10 source:Decrypt 30/0/30',
      'put-1#orders-dr 10 target:GenerateDataKey 30/0/30',
      'put-1#orders-dr 11 source:Decrypt 5/0/5',
      'put-1#orders-dr 11 target:Encrypt 5/0/5',
    ]);
    // the rollup is the evidence: no per-object rows, and it does not count as a copy without KMS
    expect(await count(store, 'copy_evidence')).toBe(0);
    const summary = await store.userQuery('select count(*)::integer as n from copies c where true');
    expect(summary.rows[0]!.n).toBe(1);
    const [rec] = await lineage(store, 'orders-eu');
    expect(rec!.replication).toMatchObject({ role: ROLE, evidence: 'kms' });
    expect(rec!.replication!.calls).toEqual([
      expect.objectContaining({
        side: 'source',
        event_name: 'Decrypt',
        events: 35,
        denied: 0,
        hours: 2,
        first_hour: '2026-03-02T10:00:00Z',
        last_hour: '2026-03-02T11:00:00Z',
      }),
      expect.objectContaining({ side: 'target', event_name: 'Encrypt', events: 5, hours: 1 }),
      expect.objectContaining({ side: 'target', event_name: 'GenerateDataKey', events: 30, hours: 1 }),
    ]);
    // small however many objects moved: no event id of a call appears in the lineage output
    expect(renderLineage([rec!], 'json')).not.toContain('src10-');
  });

  it('positive: correlate does not report a replication with role calls as a copy without KMS evidence', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      base(rule({ dest: 'orders-dr', key: cmk('eu-central-1', A1, 2) })),
      ...perObject({
        prefix: 'dst',
        hour: '2026-03-02T10',
        n: 3,
        name: 'GenerateDataKey',
        key: cmk('eu-central-1', A1, 2),
        bucket: 'orders-dr',
      }),
    ]);
    const s = await correlate(store);
    expect(s.copies).toBe(1);
    expect(s.without_kms).toBe(0);
  });

  it('positive: DeleteBucketReplication ends the edge; the role calls after it are not evidence', async () => {
    const store = await run([
      base(rule({ dest: 'orders-dr', key: cmk('eu-central-1', A1, 2) })),
      ...perObject({
        prefix: 'before',
        hour: '2026-03-02T10',
        n: 4,
        name: 'GenerateDataKey',
        key: cmk('eu-central-1', A1, 2),
        bucket: 'orders-dr',
      }),
      deleteReplication({
        id: 'del-1',
        at: '2026-03-02T12:00:00Z',
        region: 'eu-west-1',
        bucket: 'orders-eu',
      }),
      ...perObject({
        prefix: 'after',
        hour: '2026-03-02T13',
        n: 4,
        name: 'GenerateDataKey',
        key: cmk('eu-central-1', A1, 2),
        bucket: 'orders-dr',
      }),
    ]);
    const [e] = await edges(store);
    expect(e).toMatchObject({ status: 'ended', target_key_arn: cmk('eu-central-1', A1, 2) });
    expect(String(e!.ended_at)).toContain('2026-03-02 12:00:00');
    expect(await hourly(store)).toEqual(['put-1#orders-dr 10 target:GenerateDataKey 4/0/4']);
  });

  it('positive: a later Put without a destination ends that edge; one that keeps it continues the same edge', async () => {
    const store = await run([
      base([rule({ id: 'a', dest: 'dr-a' }), rule({ id: 'b', dest: 'dr-b' })]),
      putReplication({
        id: 'put-2',
        at: '2026-03-03T09:00:00Z',
        region: 'eu-west-1',
        bucket: 'orders-eu',
        rules: [rule({ id: 'a', dest: 'dr-a' })],
      }),
      putReplication({
        id: 'put-3',
        at: '2026-03-04T09:00:00Z',
        region: 'eu-west-1',
        bucket: 'orders-eu',
        rules: rule({ id: 'a', dest: 'dr-a' }),
      }),
    ]);
    const rows = await edges(store);
    expect(rows.map((r) => `${r.copy_id} ${r.status}`)).toEqual(['put-1#dr-a active', 'put-1#dr-b ended']);
    expect(String(rows[1]!.ended_at)).toContain('2026-03-03 09:00:00');
  });

  it('positive: the role denied by the replica key in the latest hour with calls makes the edge failing', async () => {
    const key = cmk('eu-central-1', A1, 2);
    const store = await run([
      base(rule({ dest: 'orders-dr', key })),
      ...perObject({
        prefix: 'ok',
        hour: '2026-03-02T10',
        n: 6,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr',
      }),
      ...perObject({
        prefix: 'src',
        hour: '2026-03-02T14',
        n: 6,
        name: 'Decrypt',
        key: cmk('eu-west-1', A1, 3),
        bucket: 'orders-eu',
      }),
      ...perObject({
        prefix: 'no',
        hour: '2026-03-02T14',
        n: 6,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr',
        error: 'AccessDenied',
      }),
    ]);
    const [e] = await edges(store);
    expect(e!.status).toBe('failing');
    expect(await hourly(store)).toContain('put-1#orders-dr 14 target:GenerateDataKey 6/6/6');
    const [rec] = await lineage(store, 'orders-dr');
    expect(renderLineage([rec!], 'table')).toContain('(6 denied)');
  });

  it('negative: a denial in an earlier hour is not failing once later calls go through', async () => {
    const key = cmk('eu-central-1', A1, 2);
    const store = await run([
      base(rule({ dest: 'orders-dr', key })),
      ...perObject({
        prefix: 'no',
        hour: '2026-03-02T10',
        n: 3,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr',
        error: 'AccessDenied',
      }),
      ...perObject({
        prefix: 'ok',
        hour: '2026-03-02T12',
        n: 3,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr',
      }),
    ]);
    expect((await edges(store))[0]!.status).toBe('active');
  });

  it('positive: SSE-S3 buckets make an edge declared with no evidence and no keys', async () => {
    const store = await run([
      putEncryption({ id: 'enc-1', at: '2026-03-01T08:00:00Z', region: 'eu-west-1', bucket: 'orders-eu' }),
      createBucket({ id: 'cb-1', at: '2026-03-01T07:00:00Z', region: 'eu-north-1', bucket: 'orders-dr' }),
      base(rule({ dest: 'orders-dr' })),
    ]);
    const [e] = await edges(store);
    expect(e).toMatchObject({
      status: 'active',
      source_key_arn: null,
      target_key_arn: null,
      key_change: 'unknown',
      target_region: 'eu-north-1',
    });
    const [rec] = await lineage(store, 'put-1#orders-dr');
    expect(rec!.replication).toEqual({
      role: ROLE,
      ended_at: null,
      evidence: 'declared, no evidence',
      calls: [],
    });
    expect(renderLineage([rec!], 'table')).toContain('declared, no evidence');
  });

  it('negative: other principals reading and writing objects of the same buckets are not evidence', async () => {
    const key = cmk('eu-central-1', A1, 2);
    const other = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${A1}:assumed-role/AnalyticsJob/spark`,
      accountId: A1,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${A1}:role/AnalyticsJob` } },
    };
    // the same role name in another account is another role
    const lookalike = roleSession(roleArn(A2));
    const store = await run([
      base(rule({ dest: 'orders-dr', key })),
      ...perObject({
        prefix: 'reader',
        hour: '2026-03-02T10',
        n: 8,
        name: 'Decrypt',
        key: cmk('eu-west-1', A1, 3),
        bucket: 'orders-eu',
        identity: other,
      }),
      ...perObject({
        prefix: 'writer',
        hour: '2026-03-02T10',
        n: 8,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr',
        identity: other,
      }),
      ...perObject({
        prefix: 'look',
        hour: '2026-03-02T10',
        n: 8,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr',
        identity: lookalike,
        recipient: A1,
      }),
      // the role's calls for a bucket the configuration does not name
      ...perObject({
        prefix: 'elsewhere',
        hour: '2026-03-02T10',
        n: 8,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr-old',
      }),
    ]);
    expect(await hourly(store)).toEqual([]);
    expect((await edges(store))[0]!.status).toBe('active');
  });

  it('negative: the role calls before the configuration existed are not evidence', async () => {
    const key = cmk('eu-central-1', A1, 2);
    const store = await run([
      ...perObject({
        prefix: 'early',
        hour: '2026-03-02T08',
        n: 5,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr',
      }),
      base(rule({ dest: 'orders-dr', key })),
    ]);
    expect(await hourly(store)).toEqual([]);
  });

  it('negative: a Disabled rule makes no edge, and disabling a destination ends its edge', async () => {
    const store = await run([
      base([rule({ id: 'a', dest: 'dr-a' }), rule({ id: 'b', dest: 'dr-b', status: 'Disabled' })]),
      putReplication({
        id: 'put-2',
        at: '2026-03-03T09:00:00Z',
        region: 'eu-west-1',
        bucket: 'orders-eu',
        rules: rule({ id: 'a', dest: 'dr-a', status: 'Disabled' }),
      }),
    ]);
    expect((await edges(store)).map((r) => `${r.copy_id} ${r.status}`)).toEqual(['put-1#dr-a ended']);
  });

  it('negative: a refused PutBucketReplication changes nothing', async () => {
    const store = await run([
      base(rule({ dest: 'dr-a' })),
      putReplication({
        id: 'put-2',
        at: '2026-03-03T09:00:00Z',
        region: 'eu-west-1',
        bucket: 'orders-eu',
        rules: [],
        error: 'AccessDenied',
      }),
    ]);
    expect((await edges(store)).map((r) => `${r.copy_id} ${r.status}`)).toEqual(['put-1#dr-a active']);
  });

  it("positive: cross-account replication, the key owner's copy of each call joined by sharedEventID", async () => {
    const key = cmk('us-east-1', A2, 4);
    const calls = perObject({
      prefix: 'x',
      hour: '2026-03-02T10',
      n: 10,
      name: 'GenerateDataKey',
      key,
      bucket: 'vault-copy',
      shared: true,
      recipient: A1,
    });
    const ownerCopies = calls.map((c) => ({
      ...c,
      eventID: `${c.eventID}-owner`,
      recipientAccountId: A2,
      userIdentity: { type: 'AWSAccount', accountId: A1, principalId: 'AROAEXAMPLE:s3-replication' },
    }));
    // the session ARN without a sessionIssuer names the role too (its path dropped)
    const noIssuer = perObject({
      prefix: 'y',
      hour: '2026-03-02T11',
      n: 4,
      name: 'GenerateDataKey',
      key,
      bucket: 'vault-copy',
      identity: roleSession(ROLE, false),
      recipient: A1,
    });
    const store = await run([
      base(rule({ dest: 'vault-copy', account: A2, key })),
      ...calls,
      ...ownerCopies,
      ...noIssuer,
    ]);
    const [e] = await edges(store);
    expect(e).toMatchObject({
      target_account: A2,
      target_region: 'us-east-1',
      target_key_arn: key,
      key_change: 'unknown',
    });
    expect(await hourly(store)).toEqual([
      'put-1#vault-copy 10 target:GenerateDataKey 10/0/20',
      'put-1#vault-copy 11 target:GenerateDataKey 4/0/4',
    ]);
  });

  it('positive: with no replica key or CreateBucket, the destination region is where the role wrote', async () => {
    const key = cmk('ap-southeast-2', A1, 5);
    const store = await run([
      base(rule({ dest: 'orders-apac' })),
      ...perObject({
        prefix: 'w',
        hour: '2026-03-02T10',
        n: 2,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-apac',
      }),
    ]);
    expect((await edges(store))[0]).toMatchObject({ target_region: 'ap-southeast-2', target_key_arn: key });
  });

  it('negative: hostile bucket names and role are stored as data', async () => {
    const evil = `x'"); drop table copies; --</script>`;
    const store = await run([
      putReplication({
        id: `put-'"1`,
        at: '2026-03-02T09:00:00Z',
        region: 'eu-west-1',
        bucket: evil,
        role: `arn:aws:iam::${A1}:role/'; delete from events; --`,
        rules: rule({ dest: `<img src=x onerror=alert(1)>` }),
      }),
    ]);
    const [e] = await edges(store);
    expect(e).toMatchObject({
      copy_id: `put-'"1#<img src=x onerror=alert(1)>`,
      source_id: evil,
      target_id: '<img src=x onerror=alert(1)>',
    });
    expect(await count(store, 'events')).toBe(1);
    const dot = renderLineage(await lineage(store, null), 'dot');
    expect(dot).toContain(`"x'\\"); drop table copies; --</script>`);
  });

  it("negative: a denied KMS call kept for replication is never another copy's evidence or a key use", async () => {
    const key = cmk('eu-central-1', A1, 2);
    const denied = {
      ...kms({
        at: '2026-03-02T10:00:10Z',
        name: 'GenerateDataKeyWithoutPlaintext',
        region: 'eu-central-1',
        recipient: A1,
        key,
        // a forged context naming the copy's new snapshot and a bucket, so that extraction keeps it
        ctx: { 'aws:ebs:id': 'snap-0dddddddddddddd01', 'aws:s3:arn': 'arn:aws:s3:::orders-dr' },
        requestId: 'req-copy',
      }),
      errorCode: 'AccessDenied',
      errorMessage: 'denied',
    };
    const store = await run([
      copySnapshot({
        at: '2026-03-02T10:00:00Z',
        region: 'eu-central-1',
        account: A1,
        sourceRegion: 'eu-west-1',
        sourceSnap: 'snap-0ccccccccccccccc1',
        newSnap: 'snap-0dddddddddddddd01',
        kmsKeyId: key,
        requestId: 'req-copy',
      }),
      denied,
    ]);
    expect(await count(store, 'kms_context', 'error_code is not null')).toBe(1);
    expect(await count(store, 'copy_evidence')).toBe(0);
  });

  it('positive: a store correlated before migration 012 extracts its KMS events again, denied and Encrypt calls included', async () => {
    const path = join(tempDir(), 'old.duckdb');
    const key = cmk('eu-central-1', A1, 2);
    let store = await Store.open({ path });
    await deliver(store, tempDir(), [
      base(rule({ dest: 'orders-dr', key })),
      ...perObject({ prefix: 'enc', hour: '2026-03-02T10', n: 2, name: 'Encrypt', key, bucket: 'orders-dr' }),
      ...perObject({
        prefix: 'no',
        hour: '2026-03-02T11',
        n: 2,
        name: 'GenerateDataKey',
        key,
        bucket: 'orders-dr',
        error: 'AccessDenied',
      }),
    ]);
    await correlate(store);
    // what an older correlate left: no denied or Encrypt calls extracted, and 012 not applied
    await store.userQuery("delete from kms_context where error_code is not null or event_name = 'Encrypt'");
    await store.userQuery("delete from schema_migrations where name = 'schema/012_s3_replication'");
    store.close();
    store = await Store.open({ path });
    try {
      await correlate(store);
      expect((await edges(store))[0]!.status).toBe('failing');
      expect(await hourly(store)).toEqual([
        'put-1#orders-dr 10 target:Encrypt 2/0/2',
        'put-1#orders-dr 11 target:GenerateDataKey 2/2/2',
      ]);
    } finally {
      store.close();
    }
  });

  it('negative: a rule with no destination, or a non-list Rule value, makes no edge', async () => {
    const store = await run([
      base({ ID: 'broken', Status: 'Enabled', Destination: {} }),
      putReplication({
        id: 'put-2',
        at: '2026-03-02T09:00:00Z',
        region: 'eu-west-1',
        bucket: 'other',
        rules: 'oops' as never,
      }),
    ]);
    expect(await edges(store)).toEqual([]);
  });
});
