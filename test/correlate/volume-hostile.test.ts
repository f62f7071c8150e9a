// Broken or hostile CopyVolumes and key association records: correlate finishes, takes nothing
// from a field of the wrong shape as an id, and makes no key association from one.
import { expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { deliver } from './fixtures.ts';
import { A1, call } from './rules/fixture.ts';

const ec2 = (id: string, name: string, rp: unknown, re: unknown) =>
  call({
    id,
    at: '2026-03-05T10:00:00Z',
    source: 'ec2.amazonaws.com',
    name,
    region: 'us-east-1',
    account: A1,
    rp: rp as Record<string, unknown>,
    re: re as Record<string, unknown>,
  });

it('CopyVolumes and AssociateKmsKeyId records of the wrong shape stop nothing and name nothing', async () => {
  const store = await memoryStore();
  await deliver(store, tempDir(), [
    ec2(
      'bad-copy-list',
      'CopyVolumes',
      { sourceVolumeId: 'vol-0b50000000000001' },
      { volumeSet: { items: 'vol-x' } },
    ),
    ec2(
      'bad-copy-object',
      'CopyVolumes',
      { sourceVolumeId: { id: 'vol-0b50000000000002' } },
      { volumeSet: [] },
    ),
    ec2('bad-copy-null', 'CopyVolumes', null, null),
    ec2(
      'bad-assoc-object',
      'AssociateKmsKeyId',
      { snapshotId: { id: 'snap-1' }, kmsKeyId: 7 },
      { _return: true },
    ),
    ec2('bad-assoc-missing', 'AssociateKmsKeyId', { kmsKeyId: 'alias/x' }, { _return: true }),
    ec2('bad-disassoc-null', 'DisassociateKmsKeyId', null, null),
  ]);
  await correlate(store);
  const { rows } = await store.userQuery(
    'select copy_id, source_id, target_id, associated_key_arns from copies order by copy_id',
  );
  expect(rows).toEqual([
    { copy_id: 'bad-copy-list', source_id: 'vol-0b50000000000001', target_id: null, associated_key_arns: [] },
    { copy_id: 'bad-copy-null', source_id: null, target_id: null, associated_key_arns: [] },
    {
      copy_id: 'bad-copy-object',
      source_id: '{"id":"vol-0b50000000000002"}',
      target_id: null,
      associated_key_arns: [],
    },
  ]);
  const keys = await store.userQuery('select artifact_id, key_ref, key_arn from artifact_keys');
  expect(keys.rows).toEqual([]);
});
