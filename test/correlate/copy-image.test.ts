// Named scenarios for CopyImage (reference §2.5): no evidence until a record names the copied AMI's
// backing snapshots, then their KMS records, a parent for the later copy, and the artifacts.
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { A1, copyImage, copySnapshot, deliver, KEY, kms } from './fixtures.ts';
import { copyRow, evidenceOf } from './outcome.ts';

describe('correlate: CopyImage', () => {
  const EU_KEY = KEY('eu-central-1', A1, '33333333-3333-4333-8333-333333333333');
  const image = () =>
    copyImage({
      at: '2026-03-02T11:00:07Z',
      region: 'eu-central-1',
      account: A1,
      sourceRegion: 'us-east-1',
      sourceAmi: 'ami-0aaaaaaaaaaaaaaa1',
      newAmi: 'ami-0aaaaaaaaaaaaaaa2',
      kmsKeyId: EU_KEY,
    });
  const backingKms = () =>
    kms({
      at: '2026-03-02T11:00:31Z',
      name: 'GenerateDataKeyWithoutPlaintext',
      region: 'eu-central-1',
      recipient: A1,
      key: EU_KEY,
      ctx: { 'aws:ebs:id': 'snap-0bbbbbbbbbbbbbbb2' },
    });

  it('without a record naming its backing snapshots, a CopyImage has no KMS evidence (a KMS record naming another snapshot is not a weak hint)', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [image(), backingKms()]);
    const s = await correlate(store);
    expect(s.copies).toBe(1);
    expect(s.without_kms).toBe(1);
    expect(await evidenceOf(store, 'ami-0aaaaaaaaaaaaaaa2')).toEqual([]);
  });

  it('a later copy carrying the "Copied for DestinationAmi" description links the backing snapshot: target evidence, a parent, and source context for the later copy', async () => {
    const store = await memoryStore();
    const dir = tempDir();
    await deliver(store, dir, [image(), backingKms()]);
    await correlate(store);
    // a day later, a DR job copies the backing snapshot on, propagating the description AWS wrote on it
    await deliver(store, dir, [
      copySnapshot({
        at: '2026-03-03T02:00:00Z',
        region: 'eu-west-1',
        account: A1,
        sourceRegion: 'eu-central-1',
        sourceSnap: 'snap-0bbbbbbbbbbbbbbb2',
        newSnap: 'snap-0bbbbbbbbbbbbbbb3',
        kmsKeyId: KEY('eu-west-1', A1, '44444444-4444-4444-8444-444444444444'),
        description:
          'Copied for DestinationAmi ami-0aaaaaaaaaaaaaaa2 from SourceAmi ami-0aaaaaaaaaaaaaaa1 for SourceSnapshot snap-0bbbbbbbbbbbbbbb1. Task created on 1,772,449,207,000.',
      }),
      kms({
        at: '2026-03-03T02:00:20Z',
        name: 'Decrypt',
        region: 'eu-central-1',
        recipient: A1,
        key: EU_KEY,
        ctx: { 'aws:ebs:id': 'snap-0bbbbbbbbbbbbbbb2' },
      }),
    ]);
    const s = await correlate(store);
    expect(s.copies).toBe(2);
    expect(await evidenceOf(store, 'ami-0aaaaaaaaaaaaaaa2')).toEqual([
      `target:encryption_context:GenerateDataKeyWithoutPlaintext:${A1}`,
    ]);
    expect(await evidenceOf(store, 'snap-0bbbbbbbbbbbbbbb3')).toEqual([
      `source:source_context:Decrypt:${A1}`,
    ]);
    const parent = await copyRow(store, "api = 'CopyImage'");
    const child = await copyRow(store, "api = 'CopySnapshot'");
    expect(child.parent_copy_id).toBe(parent.copy_id);
    const { rows } = await store.userQuery(
      "select kind, origin, region from artifacts where artifact_id = 'snap-0bbbbbbbbbbbbbbb2'",
    );
    expect(rows).toEqual([{ kind: 'ebs_snapshot', origin: 'copy', region: 'eu-central-1' }]);
  });
});
