// The correlator over time and over whole trails: late records and re-runs, the simulated
// organization's scenarios, and the real Invictus share lifecycle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { lineage } from '../../correlate/lineage.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { catchUpKmsContext } from '../../ingest/loader-parts.ts';
import { type Params, StoreError } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { count, memoryStore, REAL_DATA, tempDir } from '../helpers.ts';
import { A1, copySnapshot, createSnapshot, deliver, KEY, kms } from './fixtures.ts';
import { evidenceOf } from './outcome.ts';

const SRC_KEY = KEY('us-east-1', A1, '11111111-1111-4111-8111-111111111111');
const DST_KEY = KEY('us-west-2', A1, '22222222-2222-4222-8222-222222222222');

describe('correlate: the KMS join keys', () => {
  it('a record has context when it names one, a grant constraint or a ReEncrypt context; empty or null is none', async () => {
    const store = await memoryStore();
    const rec = (name: string, params: Record<string, unknown>) => ({
      ...kms({ at: '2026-03-02T10:00:00Z', name, region: 'us-west-2', recipient: A1, key: DST_KEY }),
      requestParameters: params,
    });
    const cases: [string, ReturnType<typeof rec>, boolean][] = [
      ['a context', rec('Decrypt', { encryptionContext: { 'aws:ebs:id': 'snap-0a' } }), true],
      [
        'a grant constraint',
        rec('CreateGrant', { constraints: { encryptionContextSubset: { a: 'b' } } }),
        true,
      ],
      ['a ReEncrypt source context', rec('ReEncrypt', { sourceEncryptionContext: { a: 'b' } }), true],
      [
        'a ReEncrypt destination context',
        rec('ReEncrypt', { destinationEncryptionContext: { a: 'b' } }),
        true,
      ],
      ['an empty context', rec('Decrypt', { encryptionContext: {} }), false],
      ['no parameters', rec('Decrypt', {}), false],
      [
        'contexts written as null',
        rec('ReEncrypt', {
          encryptionContext: null,
          constraints: null,
          sourceEncryptionContext: null,
          destinationEncryptionContext: null,
        }),
        false,
      ],
    ];
    await deliver(
      store,
      tempDir(),
      cases.map(([, r]) => r),
    );
    await correlate(store);
    const { rows } = await store.userQuery('select event_id, has_context from kms_context');
    const got = new Map(rows.map((r) => [r.event_id, r.has_context]));
    for (const [what, r, want] of cases) expect(got.get(r.eventID), what).toBe(want);
  });
});

describe('correlate: incremental and repeatable', () => {
  it('KMS records that arrive later attach to an old copy; re-running changes nothing', async () => {
    const store = await memoryStore();
    const dir = tempDir();
    await deliver(store, dir, [
      copySnapshot({
        at: '2026-03-02T10:00:00Z',
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-07777777777777771',
        newSnap: 'snap-07777777777777772',
      }),
    ]);
    expect((await correlate(store)).without_kms).toBe(1);
    await deliver(store, dir, [
      kms({
        at: '2026-03-02T10:00:03Z',
        name: 'GenerateDataKeyWithoutPlaintext',
        region: 'us-west-2',
        recipient: A1,
        key: DST_KEY,
        ctx: { 'aws:ebs:id': 'snap-07777777777777772' },
      }),
      // the source's creation arrives late too: the source-side record now has a context to match
      createSnapshot(
        '2026-03-02T09:00:00Z',
        'us-east-1',
        A1,
        'vol-07777777777777771',
        'snap-07777777777777771',
        SRC_KEY,
      ),
      kms({
        at: '2026-03-02T10:01:00Z',
        name: 'Decrypt',
        region: 'us-east-1',
        recipient: A1,
        key: SRC_KEY,
        ctx: { 'aws:ebs:id': 'vol-07777777777777771' },
      }),
    ]);
    const second = await correlate(store);
    expect(second.without_kms).toBe(0);
    // the ingest extracted the new file's KMS records: correlate had nothing left to extract
    expect(second.newKmsFrom).toBe(
      Number((await store.userQuery('select max(file_id) m from ingested_files')).rows[0]!.m),
    );
    expect(await evidenceOf(store, 'snap-07777777777777772')).toHaveLength(2);
    const snapshot = async () =>
      JSON.stringify(
        (await store.userQuery('select * from copies order by copy_id')).rows.concat(
          (await store.userQuery('select * from copy_evidence order by copy_id, event_id')).rows,
        ),
      );
    const before = await snapshot();
    await correlate(store);
    expect(await snapshot()).toBe(before);
    expect(await count(store, 'kms_context')).toBe(2);
  });
});

describe('the KMS join keys extracted by the ingest', () => {
  // kms_context as a set, and the lineage: what must not depend on who extracted the keys
  const kmsRows = async (store: Awaited<ReturnType<typeof memoryStore>>) =>
    (await store.userQuery('select * exclude (file_id) from kms_context order by all')).rows;
  const lineageRows = async (store: Awaited<ReturnType<typeof memoryStore>>) =>
    (await store.userQuery('select * from copies order by copy_id')).rows.concat(
      (await store.userQuery('select * from copy_evidence order by copy_id, event_id')).rows,
    );
  const watermark = async (store: Awaited<ReturnType<typeof memoryStore>>) =>
    Number((await store.userQuery('select max(watermark) w from correlate_state')).rows[0]!.w);
  const lastFile = async (store: Awaited<ReturnType<typeof memoryStore>>) =>
    Number((await store.userQuery('select max(file_id) m from ingested_files')).rows[0]!.m);

  it('are those correlate extracts, in one batch or many; correlate then extracts nothing', async () => {
    const dir = tempDir();
    simulate({ out: dir, events: 1200, days: 1, seed: 11, digests: false });
    const one = await memoryStore();
    await ingestDir(one, [dir]);
    // committed with the batch: there before any correlate, up to the last file
    expect(await count(one, 'kms_context')).toBeGreaterThan(100);
    expect(await watermark(one)).toBe(await lastFile(one));
    const first = await correlate(one);
    expect(first.newKmsFrom).toBe(await lastFile(one));
    // batches of a few files: each extends the keys from where the one before left them
    process.env.COPYTRAIL_BATCH_MB = '0.05';
    const batched = await memoryStore();
    try {
      await ingestDir(batched, [dir]);
    } finally {
      delete process.env.COPYTRAIL_BATCH_MB;
    }
    expect(await count(batched, 'ingested_files')).toBeGreaterThan(20);
    expect(await kmsRows(batched)).toEqual(await kmsRows(one));
    // a store whose keys correlate extracts itself (as one loaded before the ingest did, or reset by
    // a migration): the same keys, the same lineage
    const own = await memoryStore();
    await ingestDir(own, [dir]);
    await own.conn.run('delete from kms_context');
    await own.conn.run('update correlate_state set watermark = 0');
    const extracted = await correlate(own);
    expect(extracted.newKmsFrom).toBe(0);
    expect(await kmsRows(own)).toEqual(await kmsRows(one));
    expect(await lineageRows(own)).toEqual(await lineageRows(one));
    expect((await lineageRows(one)).length).toBeGreaterThan(0);
  });

  it('a store behind its watermark is caught up by the next ingest, old files included, new ones or none', async () => {
    const dir = tempDir();
    simulate({ out: dir, events: 800, days: 1, seed: 12, digests: false });
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const all = await kmsRows(store);
    await store.conn.run('delete from kms_context');
    await store.conn.run('update correlate_state set watermark = 0');
    // nothing new to load: the keys are caught up all the same
    const again = await ingestDir(store, [dir]);
    expect(again.loaded).toBe(0);
    expect(await kmsRows(store)).toEqual(all);
    await store.conn.run('delete from kms_context');
    await store.conn.run('update correlate_state set watermark = 0');
    await deliver(store, tempDir(), [
      kms({ at: '2026-03-02T10:01:00Z', name: 'Decrypt', region: 'us-east-1', recipient: A1, key: SRC_KEY }),
    ]);
    const caughtUp = await kmsRows(store);
    expect(caughtUp).toHaveLength(all.length + 1);
    expect(caughtUp).toEqual(expect.arrayContaining(all));
    expect(await watermark(store)).toBe(await lastFile(store));
  });
});

describe('correlate: the simulated organization', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'copytrail-corr-sim-'));
    simulate({ out: dir, events: 6000, days: 3, seed: 5, digests: false });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('links every scenario: target evidence on each EBS copy, cross-account owner records, backup mechanism, external exfiltration edge', async () => {
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    const s = await correlate(store);
    expect(s.copies).toBeGreaterThan(20);
    // every successful EBS CopySnapshot has its new snapshot's data key (or ReEncrypt) as evidence
    expect(
      await count(
        store,
        'copies c',
        "c.api = 'CopySnapshot' and c.status <> 'failed' and not exists (select 1 from copy_evidence v where v.copy_id = c.copy_id and v.match = 'encryption_context')",
      ),
    ).toBe(0);
    expect(await count(store, 'copies', "mechanism = 'aws_backup' and status = 'completed'")).toBeGreaterThan(
      0,
    );
    expect(await count(store, 'copies', "key_change = 'mrk_replica'")).toBeGreaterThan(0);
    expect(
      await count(store, 'copies', "api = 'SharedSnapshotCopyInitiated' and target_account = '904657914468'"),
    ).toBe(1);
    expect(await count(store, 'copies', "status = 'failed'")).toBeGreaterThan(0);
    expect(
      await count(
        store,
        'copies',
        "api = 'CopyDBSnapshot' and source_region = 'us-east-1' and target_region = 'us-west-2'",
      ),
    ).toBe(3);
    expect(await count(store, 'copies', 'parent_copy_id is not null')).toBeGreaterThan(0);
    expect(
      await count(
        store,
        'copy_evidence v join copies c on c.copy_id = v.copy_id',
        "c.source_account <> c.target_account and v.match in ('source_context', 'shared_event')",
      ),
    ).toBeGreaterThan(0);
    // volume create/attach noise with vol- contexts never becomes copy evidence
    expect(
      await count(
        store,
        'copy_evidence v join events e on e.event_id = v.event_id',
        "e.event_name = 'CreateGrant' and e.request_parameters::varchar like '%ec2-infrastructure%'",
      ),
    ).toBe(0);
    // AMI copies name no backing snapshot: reported without KMS evidence rather than guessed
    expect(
      await count(
        store,
        'copies c',
        "c.api = 'CopyImage' and exists (select 1 from copy_evidence v where v.copy_id = c.copy_id)",
      ),
    ).toBe(0);
    const all = await lineage(store, null);
    expect(all).toHaveLength(s.copies);
    const keys = [
      'copy_id',
      'kind',
      'api',
      'mechanism',
      'status',
      'error_code',
      'requested_at',
      'completed_at',
      'engine',
      'request_event_id',
      'principal_arn',
      'source',
      'target',
      'key_change',
      'parent_copy_id',
      'evidence_counts',
      'evidence',
    ];
    expect(Object.keys(all.find((r) => r.kind !== 's3_replication')!)).toEqual(keys);
    // a replication edge adds its evidence rollup
    expect(Object.keys(all.find((r) => r.kind === 's3_replication')!)).toEqual([...keys, 'replication']);
  });
});

describe('correlate: real data', () => {
  it('Invictus: the share lifecycle becomes shares (add then remove) and no copies', async () => {
    const store = await memoryStore();
    await ingestDir(store, [join(REAL_DATA, 'invictus-aws-dataset')]);
    const s = await correlate(store);
    expect(s.copies).toBe(0);
    const { rows } = await store.userQuery(
      'select artifact_kind, to_account, action from shares order by event_time, artifact_kind',
    );
    expect(rows.filter((r) => r.artifact_kind === 'ebs_snapshot').map((r) => r.action)).toEqual([
      'added',
      'removed',
    ]);
    expect(
      rows.filter((r) => r.artifact_kind === 'rds_snapshot').map((r) => `${r.action}:${r.to_account}`),
    ).toEqual(['added:193672423079', 'removed:193672423079']);
    expect(rows.some((r) => r.artifact_kind === 'ami')).toBe(true);
  });
});

describe('the KMS join keys after a batch, when DuckDB runs out of memory', () => {
  const oom = () =>
    new StoreError('query correlate/extract_kms_context failed', {
      cause: new Error('Out of Memory Error: could not allocate block of size 256.0 KiB'),
    });

  it('roll back and leave the watermark: the next batch or correlate extracts from there', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      kms({ at: '2026-03-02T10:01:00Z', name: 'Decrypt', region: 'us-east-1', recipient: A1, key: SRC_KEY }),
    ]);
    await store.conn.run('delete from kms_context');
    await store.conn.run('update correlate_state set watermark = 0');
    // the extraction runs, then the statement after it fails: nothing of it stays
    const failing = async (name: string, params: Params) => {
      await store.run(name, params);
      if (name === 'correlate/extract_kms_context') throw oom();
    };
    expect(await catchUpKmsContext(store, failing)).toBe(false);
    expect(await count(store, 'kms_context')).toBe(0);
    expect(await count(store, 'correlate_state', 'watermark = 0')).toBe(1);
    expect(await catchUpKmsContext(store, (name, params) => store.run(name, params))).toBe(true);
    expect(await count(store, 'kms_context')).toBe(1);
    expect(await count(store, 'correlate_state', 'watermark = 0')).toBe(0);
  });

  it('any other failure is the ingest failing', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      kms({ at: '2026-03-02T10:01:00Z', name: 'Decrypt', region: 'us-east-1', recipient: A1, key: SRC_KEY }),
    ]);
    await store.conn.run('update correlate_state set watermark = 0');
    const broken = async () => {
      throw new StoreError('query correlate/extract_kms_context failed', {
        cause: new Error('IO Error: disk full'),
      });
    };
    await expect(catchUpKmsContext(store, broken)).rejects.toThrow(/disk full|extract_kms_context/);
  });
});
