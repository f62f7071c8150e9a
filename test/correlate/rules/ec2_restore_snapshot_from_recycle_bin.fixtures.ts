// Named scenarios for ec2_restore_snapshot_from_recycle_bin: a restored snapshot is an edge from
// itself to itself that keeps the copy chain whole, never a copy of another snapshot. Records follow
// the EC2 API reference (shape inferred; no real record seen).
import { A1, call, type RuleFixtures } from './fixture.ts';

const EC2 = 'ec2.amazonaws.com';

const copySnapshot = (id: string, at: string, source: string, target: string, from: string, region: string) =>
  call({
    id,
    at,
    source: EC2,
    name: 'CopySnapshot',
    region,
    account: A1,
    rp: { sourceSnapshotId: source, sourceRegion: from },
    re: { snapshotId: target },
  });

const restore = (id: string, at: string, snap: string, region = 'eu-west-1', error?: string) =>
  call({
    id,
    at,
    source: EC2,
    name: 'RestoreSnapshotFromRecycleBin',
    region,
    account: A1,
    error,
    rp: { snapshotId: snap },
    re: {
      snapshotId: snap,
      state: 'recovering',
      ownerId: A1,
      volumeId: 'vol-0aaaaaaaaaaaaaaa1',
      encrypted: true,
    },
  });

const RESTORED = 'snap-0bbbbbbbbbbbbbbb2';

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'a copy deleted and restored, then copied again: restore chained to the copy, the next copy to the restore',
      records: [
        copySnapshot(
          'copy-1',
          '2026-03-01T10:00:00Z',
          'snap-0aaaaaaaaaaaaaaa1',
          RESTORED,
          'us-east-1',
          'eu-west-1',
        ),
        restore('rb-restore', '2026-03-10T10:00:00Z', RESTORED),
        copySnapshot(
          'copy-2',
          '2026-03-11T10:00:00Z',
          RESTORED,
          'snap-0ccccccccccccccc3',
          'eu-west-1',
          'eu-north-1',
        ),
      ],
      copies: [
        { copy_id: 'copy-1', api: 'CopySnapshot', kind: 'ebs_snapshot', status: 'completed' },
        {
          copy_id: 'rb-restore',
          api: 'RestoreSnapshotFromRecycleBin',
          kind: 'recycle_bin_restore',
          status: 'completed',
          source_id: RESTORED,
          source_region: 'eu-west-1',
          source_account: A1,
          target_id: RESTORED,
          target_region: 'eu-west-1',
          target_account: A1,
          parent_copy_id: 'copy-1',
          chain_status: 'complete',
        },
        {
          copy_id: 'copy-2',
          api: 'CopySnapshot',
          kind: 'ebs_snapshot',
          parent_copy_id: 'rb-restore',
          root_copy_id: 'copy-1',
          chain_depth: 2,
          chain_status: 'complete',
        },
      ],
      evidence: [],
    },
  ],
  negative: [
    {
      name: 'a restore alone is not completed by itself nor its own parent; a failed restore is failed',
      records: [
        restore('rb-restore', '2026-03-10T10:00:00Z', RESTORED),
        restore(
          'rb-restore-failed',
          '2026-03-10T11:00:00Z',
          'snap-0ddddddddddddddd4',
          'eu-west-1',
          'Client.InvalidSnapshot.NotFound',
        ),
        call({
          id: 'rb-list',
          at: '2026-03-10T09:00:00Z',
          source: EC2,
          name: 'ListSnapshotsInRecycleBin',
          region: 'eu-west-1',
          account: A1,
          rp: { snapshotSet: { items: [{ snapshotId: RESTORED }] } },
        }),
      ],
      copies: [
        {
          copy_id: 'rb-restore',
          api: 'RestoreSnapshotFromRecycleBin',
          kind: 'recycle_bin_restore',
          status: 'requested',
          parent_copy_id: null,
          chain_status: 'complete',
          chain_depth: 0,
        },
        {
          copy_id: 'rb-restore-failed',
          api: 'RestoreSnapshotFromRecycleBin',
          kind: 'recycle_bin_restore',
          status: 'failed',
        },
      ],
      evidence: [],
      unlinked: ['rb-list'],
    },
    {
      name: 'a restore is not a copy of another snapshot: an earlier copy made elsewhere is not its parent',
      records: [
        copySnapshot(
          'copy-other',
          '2026-03-01T10:00:00Z',
          'snap-0aaaaaaaaaaaaaaa1',
          'snap-0eeeeeeeeeeeeeee5',
          'us-east-1',
          'eu-west-1',
        ),
        copySnapshot(
          'copy-same-id-elsewhere',
          '2026-03-01T11:00:00Z',
          'snap-0aaaaaaaaaaaaaaa1',
          RESTORED,
          'us-east-1',
          'eu-north-1',
        ),
        restore('rb-restore', '2026-03-10T10:00:00Z', RESTORED),
        call({
          id: 'rb-delete',
          at: '2026-03-05T10:00:00Z',
          source: EC2,
          name: 'DeleteSnapshot',
          region: 'eu-west-1',
          account: A1,
          rp: { snapshotId: RESTORED },
          re: { _return: true },
        }),
      ],
      copies: [
        { copy_id: 'copy-other', api: 'CopySnapshot', kind: 'ebs_snapshot', status: 'requested' },
        { copy_id: 'copy-same-id-elsewhere', api: 'CopySnapshot', kind: 'ebs_snapshot', status: 'requested' },
        {
          copy_id: 'rb-restore',
          api: 'RestoreSnapshotFromRecycleBin',
          kind: 'recycle_bin_restore',
          source_id: RESTORED,
          target_id: RESTORED,
          parent_copy_id: null,
        },
      ],
      evidence: [],
      unlinked: ['rb-delete'],
    },
  ],
};
