// Named scenarios for fsx_copy_backup: a backup copied to another region (or in place) is an edge
// declared with no KMS evidence; a failed copy is failed and no context-free KMS record attaches.
// Records follow the FSx API reference (shape inferred; no real record seen).
import { A1, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const FSX = 'fsx.amazonaws.com';
const DR_KEY = keyArn('eu-west-1', A1, 'f5f5f5f5-f5f5-4f5f-8f5f-f5f5f5f5f5f5');

const copyBackup = (o: {
  id: string;
  at: string;
  source: string;
  target: string;
  region?: string;
  from?: string;
  error?: string;
}) => {
  const region = o.region ?? 'eu-west-1';
  return call({
    id: o.id,
    at: o.at,
    source: FSX,
    name: 'CopyBackup',
    region,
    account: A1,
    error: o.error,
    rp: {
      sourceBackupId: o.source,
      ...(o.from ? { sourceRegion: o.from } : {}),
      kmsKeyId: DR_KEY,
      copyTags: true,
    },
    re: {
      backup: {
        backupId: o.target,
        lifecycle: 'PENDING',
        type: 'USER_INITIATED',
        resourceARN: `arn:aws:fsx:${region}:${A1}:backup/${o.target}`,
        kmsKeyId: DR_KEY,
        sourceBackupId: o.source,
        sourceBackupRegion: o.from ?? region,
        ownerId: A1,
      },
    },
  });
};

const crossRegion = {
  api: 'CopyBackup',
  kind: 'fsx_backup',
  status: 'requested',
  source_id: 'backup-0a1b2c3d4e5f60718',
  source_region: 'us-east-1',
  source_account: A1,
  target_id: 'backup-0f9e8d7c6b5a40312',
  target_arn: `arn:aws:fsx:eu-west-1:${A1}:backup/backup-0f9e8d7c6b5a40312`,
  target_region: 'eu-west-1',
  target_account: A1,
  target_key_arn: DR_KEY,
};

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'cross-region copy: source region from sourceRegion, the new backup and its key from the response',
      records: [
        copyBackup({
          id: 'fsx-copy',
          at: '2026-03-02T10:00:00Z',
          source: crossRegion.source_id,
          target: crossRegion.target_id,
          from: 'us-east-1',
        }),
      ],
      copies: [{ copy_id: 'fsx-copy', ...crossRegion }],
      evidence: [],
    },
    {
      name: 'in-region copy of the copy: source in the call region, chained to the first copy, which is completed',
      records: [
        copyBackup({
          id: 'fsx-copy',
          at: '2026-03-02T10:00:00Z',
          source: crossRegion.source_id,
          target: crossRegion.target_id,
          from: 'us-east-1',
        }),
        copyBackup({
          id: 'fsx-copy-2',
          at: '2026-03-03T10:00:00Z',
          source: crossRegion.target_id,
          target: 'backup-0123456789abcdef0',
        }),
      ],
      copies: [
        { copy_id: 'fsx-copy', ...crossRegion, status: 'completed' },
        {
          copy_id: 'fsx-copy-2',
          api: 'CopyBackup',
          kind: 'fsx_backup',
          source_id: crossRegion.target_id,
          source_region: 'eu-west-1',
          target_id: 'backup-0123456789abcdef0',
          target_region: 'eu-west-1',
          parent_copy_id: 'fsx-copy',
        },
      ],
      evidence: [],
    },
  ],
  negative: [
    {
      name: 'a failed copy is failed, and a context-free KMS record of its key in that minute is not its evidence',
      records: [
        copyBackup({
          id: 'fsx-copy-failed',
          at: '2026-03-02T10:00:00Z',
          source: crossRegion.source_id,
          target: crossRegion.target_id,
          from: 'us-east-1',
          error: 'BackupNotFound',
        }),
        copyBackup({
          id: 'fsx-copy',
          at: '2026-03-02T11:00:00Z',
          source: crossRegion.source_id,
          target: crossRegion.target_id,
          from: 'us-east-1',
        }),
        kms({
          id: 'fsx-bare-gdk',
          at: '2026-03-02T11:00:20Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'eu-west-1',
          account: A1,
          key: DR_KEY,
          invokedBy: FSX,
        }),
      ],
      copies: [
        {
          copy_id: 'fsx-copy-failed',
          api: 'CopyBackup',
          kind: 'fsx_backup',
          status: 'failed',
          error_code: 'BackupNotFound',
        },
        { copy_id: 'fsx-copy', ...crossRegion },
      ],
      evidence: [],
      unlinked: ['fsx-bare-gdk'],
    },
    {
      name: 'a hostile backup id is stored as data, chains to nothing, and a KMS record naming it is not evidence',
      records: [
        copyBackup({
          id: 'fsx-copy-hostile',
          at: '2026-03-02T10:00:00Z',
          source: "backup-1'); drop table copies; --",
          target: '<script>alert(1)</script>',
          from: 'us-east-1',
        }),
        copyBackup({
          id: 'fsx-copy',
          at: '2026-03-02T11:00:00Z',
          source: crossRegion.source_id,
          target: crossRegion.target_id,
          from: 'us-east-1',
        }),
        kms({
          id: 'fsx-hostile-ctx',
          at: '2026-03-02T10:00:10Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'eu-west-1',
          account: A1,
          key: DR_KEY,
          ctx: { 'aws:ebs:id': '<script>alert(1)</script>' },
        }),
      ],
      copies: [
        {
          copy_id: 'fsx-copy-hostile',
          api: 'CopyBackup',
          kind: 'fsx_backup',
          source_id: "backup-1'); drop table copies; --",
          target_id: '<script>alert(1)</script>',
          parent_copy_id: null,
        },
        { copy_id: 'fsx-copy', ...crossRegion, parent_copy_id: null },
      ],
      evidence: [],
      unlinked: ['fsx-hostile-ctx'],
    },
  ],
};
