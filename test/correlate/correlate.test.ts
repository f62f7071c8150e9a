// Named positive and negative scenarios for EBS CopySnapshot, built from the reference's record
// shapes (§2, §5): target and source context, ambiguity, chains, cross-account records, keys.
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { lineage, renderLineage } from '../../correlate/lineage.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';
import {
  A1,
  A2,
  copySnapshot,
  createSnapshot,
  deliver,
  KEY,
  kms,
  share,
  sharedCopyInitiated,
} from './fixtures.ts';
import { copyRow, evidenceOf } from './outcome.ts';

const SRC_KEY = KEY('us-east-1', A1, '11111111-1111-4111-8111-111111111111');
const DST_KEY = KEY('us-west-2', A1, '22222222-2222-4222-8222-222222222222');

describe('correlate: EBS CopySnapshot', () => {
  it('cross-region copy: target data key by new snapshot id, source grant by volume id; DescribeKey and an out-of-window call are not evidence', async () => {
    const store = await memoryStore();
    const dir = tempDir();
    const rid = 'req-cross-region';
    await deliver(store, dir, [
      createSnapshot(
        '2026-03-02T09:00:00Z',
        'us-east-1',
        A1,
        'vol-0aaaaaaaaaaaaaaa1',
        'snap-0aaaaaaaaaaaaaaa1',
        SRC_KEY,
      ),
      copySnapshot({
        at: '2026-03-02T10:00:05Z',
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-0aaaaaaaaaaaaaaa1',
        newSnap: 'snap-0bbbbbbbbbbbbbbb1',
        kmsKeyId: DST_KEY,
        requestId: rid,
      }),
      kms({
        at: '2026-03-02T10:00:06Z',
        name: 'DescribeKey',
        region: 'us-west-2',
        recipient: A1,
        key: DST_KEY,
        keyId: DST_KEY,
        requestId: rid,
      }),
      kms({
        at: '2026-03-02T10:00:06Z',
        name: 'GenerateDataKeyWithoutPlaintext',
        region: 'us-west-2',
        recipient: A1,
        key: DST_KEY,
        ctx: { 'aws:ebs:id': 'snap-0bbbbbbbbbbbbbbb1' },
      }),
      kms({
        at: '2026-03-02T10:00:07Z',
        name: 'CreateGrant',
        region: 'us-east-1',
        recipient: A1,
        key: SRC_KEY,
        grantCtx: { 'aws:ebs:id': 'vol-0aaaaaaaaaaaaaaa1' },
        requestId: rid,
      }),
      // the same volume's key used four days later, by an attach: outside every window
      kms({
        at: '2026-03-06T10:00:00Z',
        name: 'Decrypt',
        region: 'us-east-1',
        recipient: A1,
        key: SRC_KEY,
        ctx: { 'aws:ebs:id': 'vol-0aaaaaaaaaaaaaaa1' },
      }),
    ]);
    await correlate(store);
    expect(await evidenceOf(store, 'snap-0bbbbbbbbbbbbbbb1')).toEqual(
      [
        `target:encryption_context:GenerateDataKeyWithoutPlaintext:${A1}`,
        `source:source_context:CreateGrant:${A1}`,
      ].sort((a, b) => a.split(':')[1]!.localeCompare(b.split(':')[1]!)),
    );
    const c = await copyRow(store, "target_id = 'snap-0bbbbbbbbbbbbbbb1'");
    expect(c).toMatchObject({
      kind: 'ebs_snapshot',
      mechanism: 'manual',
      status: 'requested',
      source_region: 'us-east-1',
      target_region: 'us-west-2',
      source_key_arn: SRC_KEY,
      target_key_arn: DST_KEY,
      key_change: 'new_key',
      source_account: A1,
    });
    expect(
      await count(
        store,
        'copy_evidence v join events e on e.event_id = v.event_id',
        "e.event_name = 'DescribeKey'",
      ),
    ).toBe(0);
  });

  it('a copy with no KMS evidence at all is kept and counted as such', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copySnapshot({
        at: '2026-03-02T10:00:05Z',
        region: 'eu-west-1',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-0ccccccccccccccc1',
        newSnap: 'snap-0ccccccccccccccc2',
      }),
    ]);
    const s = await correlate(store);
    expect(s.copies).toBe(1);
    expect(s.without_kms).toBe(1);
    expect(await evidenceOf(store, 'snap-0ccccccccccccccc2')).toEqual([]);
  });

  it('two concurrent copies of one source: each keeps its own target and grant; a shared Decrypt is marked ambiguous on both', async () => {
    const store = await memoryStore();
    const EU = KEY('eu-west-1', A1, '33333333-3333-4333-8333-333333333333');
    await deliver(store, tempDir(), [
      createSnapshot(
        '2026-03-02T09:00:00Z',
        'us-east-1',
        A1,
        'vol-0ddddddddddddddd1',
        'snap-0ddddddddddddddd1',
        SRC_KEY,
      ),
      copySnapshot({
        at: '2026-03-02T10:00:00Z',
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-0ddddddddddddddd1',
        newSnap: 'snap-0ddddddddddddddd2',
        kmsKeyId: DST_KEY,
        requestId: 'r-west',
      }),
      copySnapshot({
        at: '2026-03-02T10:00:01Z',
        region: 'eu-west-1',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-0ddddddddddddddd1',
        newSnap: 'snap-0ddddddddddddddd3',
        kmsKeyId: EU,
        requestId: 'r-eu',
      }),
      kms({
        at: '2026-03-02T10:00:02Z',
        name: 'GenerateDataKeyWithoutPlaintext',
        region: 'us-west-2',
        recipient: A1,
        key: DST_KEY,
        ctx: { 'aws:ebs:id': 'snap-0ddddddddddddddd2' },
      }),
      kms({
        at: '2026-03-02T10:00:02Z',
        name: 'GenerateDataKeyWithoutPlaintext',
        region: 'eu-west-1',
        recipient: A1,
        key: EU,
        ctx: { 'aws:ebs:id': 'snap-0ddddddddddddddd3' },
      }),
      kms({
        at: '2026-03-02T10:00:03Z',
        name: 'CreateGrant',
        region: 'us-east-1',
        recipient: A1,
        key: SRC_KEY,
        grantCtx: { 'aws:ebs:id': 'vol-0ddddddddddddddd1' },
        requestId: 'r-west',
      }),
      kms({
        at: '2026-03-02T10:00:03Z',
        name: 'CreateGrant',
        region: 'us-east-1',
        recipient: A1,
        key: SRC_KEY,
        grantCtx: { 'aws:ebs:id': 'vol-0ddddddddddddddd1' },
        requestId: 'r-eu',
      }),
      kms({
        at: '2026-03-02T10:02:00Z',
        name: 'Decrypt',
        region: 'us-east-1',
        recipient: A1,
        key: SRC_KEY,
        ctx: { 'aws:ebs:id': 'vol-0ddddddddddddddd1' },
      }),
    ]);
    await correlate(store);
    for (const snap of ['snap-0ddddddddddddddd2', 'snap-0ddddddddddddddd3']) {
      const ev = await evidenceOf(store, snap);
      expect(ev).toContain(`target:encryption_context:GenerateDataKeyWithoutPlaintext:${A1}`);
      expect(ev).toContain(`source:source_context_ambiguous:Decrypt:${A1}`);
      expect(ev.filter((e) => e.includes('CreateGrant'))).toEqual([
        `source:source_context:CreateGrant:${A1}`,
      ]);
    }
    // no Decrypt is attached to either copy as certain
    expect(
      await count(
        store,
        'copy_evidence v join events e on e.event_id = v.event_id',
        "e.event_name = 'Decrypt' and v.match = 'source_context'",
      ),
    ).toBe(0);
    // the lineage record says how far its evidence vouches for it: the shared Decrypt is ambiguous
    const record = (await lineage(store, 'snap-0ddddddddddddddd2')).find(
      (r) => r.target.id === 'snap-0ddddddddddddddd2',
    );
    expect(record).toBeDefined();
    expect(record!.evidence_counts).toEqual({ certain: 2, ambiguous: 1, weak: 0, unattributed: 0 });
    expect(record!.evidence.find((e) => e.event_name === 'Decrypt')?.certainty).toBe('ambiguous');
    expect(
      record!.evidence
        .filter((e) => e.certainty === 'certain')
        .map((e) => e.match)
        .sort(),
    ).toEqual(['encryption_context', 'source_context']);
  });

  it('a 3-hop chain across two accounts: parents link, lineage walks up to the origin and down to every descendant', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      createSnapshot(
        '2026-03-02T01:00:00Z',
        'us-east-1',
        A1,
        'vol-0eeeeeeeeeeeeeee1',
        'snap-0eeeeeeeeeeeeeee1',
        SRC_KEY,
      ),
      copySnapshot({
        at: '2026-03-02T02:00:00Z',
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-0eeeeeeeeeeeeeee1',
        newSnap: 'snap-0eeeeeeeeeeeeeee2',
      }),
      share('2026-03-02T03:00:00Z', 'us-west-2', A1, 'snap-0eeeeeeeeeeeeeee2', A2),
      copySnapshot({
        at: '2026-03-02T04:00:00Z',
        region: 'us-west-2',
        account: A2,
        sourceRegion: 'us-west-2',
        sourceSnap: 'snap-0eeeeeeeeeeeeeee2',
        newSnap: 'snap-0eeeeeeeeeeeeeee3',
      }),
      copySnapshot({
        at: '2026-03-02T05:00:00Z',
        region: 'eu-west-1',
        account: A2,
        sourceRegion: 'us-west-2',
        sourceSnap: 'snap-0eeeeeeeeeeeeeee3',
        newSnap: 'snap-0eeeeeeeeeeeeeee4',
      }),
    ]);
    await correlate(store);
    const hop2 = await copyRow(store, "target_id = 'snap-0eeeeeeeeeeeeeee3'");
    expect(hop2).toMatchObject({ source_account: A1, target_account: A2 });
    const fromLeaf = await lineage(store, 'snap-0eeeeeeeeeeeeeee4');
    expect(fromLeaf.map((r) => r.target.id)).toEqual([
      'snap-0eeeeeeeeeeeeeee2',
      'snap-0eeeeeeeeeeeeeee3',
      'snap-0eeeeeeeeeeeeeee4',
    ]);
    expect(fromLeaf[1]!.parent_copy_id).toBe(fromLeaf[0]!.copy_id);
    expect(fromLeaf[2]!.parent_copy_id).toBe(fromLeaf[1]!.copy_id);
    const fromOrigin = await lineage(store, 'arn:aws:ec2:us-east-1::snapshot/snap-0eeeeeeeeeeeeeee1');
    expect(fromOrigin).toHaveLength(3);
    // the middle copy is marked completed: a later copy used its target
    expect(fromLeaf[0]!.status).toBe('completed');
    // valid Graphviz: every edge line is two quoted strings and a quoted label; a line break in a
    // label is DOT's \n escape, never a doubled backslash that would print as text
    const dot = renderLineage(fromLeaf, 'dot').split('\n');
    const str = '"(?:[^"\\\\]|\\\\.)*"';
    const edge = new RegExp(`^  ${str} -> ${str} \\[label=${str}(, [a-z]+=[a-z]+)*\\];$`);
    expect(dot.slice(0, 3)).toEqual([
      'digraph lineage {',
      '  rankdir=LR;',
      '  node [shape=box, fontname="Helvetica"];',
    ]);
    expect(dot.slice(3, -1).every((l) => edge.test(l))).toBe(true);
    expect(dot.slice(3, -1)).toHaveLength(3);
    expect(dot.at(-1)).toBe('}');
    expect(dot[3]).toContain('snap-0eeeeeeeeeeeeeee2\\nus-west-2');
    expect(dot.join('\n')).not.toContain('\\\\n');
    expect(renderLineage(fromLeaf.slice(0, 1), 'table')).toMatch(/\(1 copy\)$/);
    expect(renderLineage(fromLeaf, 'table')).toMatch(/\(3 copies\)$/);
    expect(await count(store, 'shares', `to_account = '${A2}' and action = 'added'`)).toBe(1);
  });

  it("the key owner's copy of a cross-account call attaches by sharedEventID", async () => {
    const store = await memoryStore();
    const ownerKey = KEY('us-east-1', A1, '44444444-4444-4444-8444-444444444444');
    const vaultKey = KEY('us-east-1', A2, '55555555-5555-4555-8555-555555555555');
    await deliver(store, tempDir(), [
      createSnapshot(
        '2026-03-02T01:00:00Z',
        'us-east-1',
        A1,
        'vol-0fffffffffffffff1',
        'snap-0fffffffffffffff1',
        ownerKey,
      ),
      share('2026-03-02T01:05:00Z', 'us-east-1', A1, 'snap-0fffffffffffffff1', A2),
      copySnapshot({
        at: '2026-03-02T02:00:00Z',
        region: 'us-east-1',
        account: A2,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-0fffffffffffffff1',
        newSnap: 'snap-0fffffffffffffff2',
        kmsKeyId: vaultKey,
        requestId: 'r-x',
      }),
      // the copier's grant names no context, only the call's request id
      kms({
        at: '2026-03-02T02:00:02Z',
        name: 'CreateGrant',
        region: 'us-east-1',
        recipient: A2,
        key: ownerKey,
        requestId: 'r-x',
        sharedEventId: 'shared-1',
      }),
      // the owner's copy of the same grant: another event id, another request id, same sharedEventID
      kms({
        at: '2026-03-02T02:00:02Z',
        name: 'CreateGrant',
        region: 'us-east-1',
        recipient: A1,
        key: ownerKey,
        requestId: 'r-owner-side',
        sharedEventId: 'shared-1',
        identity: { type: 'AWSAccount', accountId: A2, invokedBy: 'ec2.amazonaws.com' },
      }),
      sharedCopyInitiated('2026-03-02T02:00:10Z', 'us-east-1', A1, A2, 'snap-0fffffffffffffff1'),
    ]);
    await correlate(store);
    const ev = await evidenceOf(store, 'snap-0fffffffffffffff2');
    expect(ev).toContain(`source:request_id:CreateGrant:${A2}`);
    expect(ev).toContain(`source:shared_event:CreateGrant:${A1}`);
    expect(ev).toContain(`source:service_event:SharedSnapshotCopyInitiated:${A1}`);
    // the service event is evidence on the copier's copy, not a second copy
    expect(await count(store, 'copies')).toBe(1);
    expect(await copyRow(store, 'true')).toMatchObject({ source_account: A1, target_account: A2 });
  });

  it('an owner-side SharedSnapshotCopyInitiated with no copy call in our trails is the exfiltration edge', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      createSnapshot(
        '2026-03-02T01:00:00Z',
        'us-east-1',
        A1,
        'vol-01111111111111111',
        'snap-01111111111111111',
        SRC_KEY,
      ),
      share('2026-03-02T01:05:00Z', 'us-east-1', A1, 'snap-01111111111111111', '999988887777'),
      sharedCopyInitiated('2026-03-02T01:30:00Z', 'us-east-1', A1, '999988887777', 'snap-01111111111111111'),
    ]);
    await correlate(store);
    expect(await copyRow(store, "api = 'SharedSnapshotCopyInitiated'")).toMatchObject({
      source_id: 'snap-01111111111111111',
      source_account: A1,
      target_account: '999988887777',
      target_id: null,
      target_region: null,
    });
  });

  it('an alias kmsKeyId resolves to the key ARN its target record used, and the alias is learned', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copySnapshot({
        at: '2026-03-02T10:00:00Z',
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-02222222222222221',
        newSnap: 'snap-02222222222222222',
        kmsKeyId: 'alias/dr-ebs',
      }),
      kms({
        at: '2026-03-02T10:00:02Z',
        name: 'GenerateDataKeyWithoutPlaintext',
        region: 'us-west-2',
        recipient: A1,
        key: DST_KEY,
        ctx: { 'aws:ebs:id': 'snap-02222222222222222' },
      }),
    ]);
    await correlate(store);
    expect((await copyRow(store, 'true')).target_key_arn).toBe(DST_KEY);
    const { rows } = await store.userQuery(`select aliases from kms_keys where key_arn = '${DST_KEY}'`);
    expect(rows[0]!.aliases).toEqual(['alias/dr-ebs']);
  });

  it('a failed copy is kept with status failed and its error code, without evidence', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copySnapshot({
        at: '2026-03-02T10:00:00Z',
        region: 'eu-west-1',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-03333333333333331',
        error: 'Client.InvalidSnapshot.NotFound',
        requestId: 'r-fail',
      }),
      kms({
        at: '2026-03-02T10:00:01Z',
        name: 'DescribeKey',
        region: 'eu-west-1',
        recipient: A1,
        key: DST_KEY,
        requestId: 'r-fail',
      }),
    ]);
    const s = await correlate(store);
    expect(s.failed).toBe(1);
    expect(await copyRow(store, 'true')).toMatchObject({
      status: 'failed',
      error_code: 'Client.InvalidSnapshot.NotFound',
      target_id: null,
    });
    expect(await count(store, 'copy_evidence')).toBe(0);
  });

  it('multi-Region keys: the same mrk- key in two regions is an mrk_replica key change', async () => {
    const store = await memoryStore();
    const mrk = 'mrk-0123456789abcdef0123456789abcdef';
    await deliver(store, tempDir(), [
      createSnapshot(
        '2026-03-02T09:00:00Z',
        'us-east-1',
        A1,
        'vol-04444444444444441',
        'snap-04444444444444441',
        KEY('us-east-1', A1, mrk),
      ),
      copySnapshot({
        at: '2026-03-02T10:00:00Z',
        region: 'eu-west-1',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-04444444444444441',
        newSnap: 'snap-04444444444444442',
        kmsKeyId: KEY('eu-west-1', A1, mrk),
      }),
    ]);
    await correlate(store);
    expect((await copyRow(store, 'true')).key_change).toBe('mrk_replica');
  });

  it('mechanism: a copy by the AWS Backup role is aws_backup', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copySnapshot({
        at: '2026-03-02T10:00:00Z',
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-05555555555555551',
        newSnap: 'snap-05555555555555552',
        identity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::${A1}:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-AWSBackupDefaultServiceRole`,
          accountId: A1,
          invokedBy: 'backup.amazonaws.com',
        },
      }),
    ]);
    await correlate(store);
    expect((await copyRow(store, 'true')).mechanism).toBe('aws_backup');
  });
});
