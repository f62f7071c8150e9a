// Named scenarios for cloudhsm_copy_backup_to_region: a cluster backup (key material) copied to
// another region is an edge to that region, with no target id (the response names none) and no KMS
// evidence. Records follow the CloudHSM v2 API reference (shape inferred; no real record seen).
import { A1, call, type RuleFixtures } from './fixture.ts';

const HSM = 'cloudhsm.amazonaws.com';

const copyToRegion = (id: string, at: string, backup: string, to: string, error?: string) =>
  call({
    id,
    at,
    source: HSM,
    name: 'CopyBackupToRegion',
    region: 'eu-central-1',
    account: A1,
    error,
    rp: { backupId: backup, destinationRegion: to },
    re: {
      destinationBackup: {
        createTimestamp: 1772442000,
        sourceRegion: 'eu-central-1',
        sourceBackup: backup,
        sourceCluster: 'cluster-jxhlf7644ne',
      },
    },
  });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'backup copied out of the EU: an edge to the destination region, its target id unknown',
      records: [copyToRegion('hsm-copy', '2026-03-02T10:00:00Z', 'backup-k5ihzbmrpq2', 'us-east-1')],
      copies: [
        {
          copy_id: 'hsm-copy',
          api: 'CopyBackupToRegion',
          kind: 'cloudhsm_backup',
          status: 'requested',
          source_id: 'backup-k5ihzbmrpq2',
          source_region: 'eu-central-1',
          source_account: A1,
          target_id: null,
          target_region: 'us-east-1',
          target_account: A1,
        },
      ],
      evidence: [],
    },
  ],
  negative: [
    {
      name: 'a failed copy is failed; a second copy of the same backup is its own edge, not chained to the first',
      records: [
        copyToRegion(
          'hsm-copy-failed',
          '2026-03-02T10:00:00Z',
          'backup-k5ihzbmrpq2',
          'us-east-1',
          'CloudHsmAccessDeniedException',
        ),
        copyToRegion('hsm-copy', '2026-03-02T11:00:00Z', 'backup-k5ihzbmrpq2', 'us-east-1'),
        copyToRegion('hsm-copy-2', '2026-03-03T11:00:00Z', 'backup-k5ihzbmrpq2', 'ap-southeast-1'),
        call({
          id: 'hsm-describe',
          at: '2026-03-03T12:00:00Z',
          source: HSM,
          name: 'DescribeBackups',
          region: 'us-east-1',
          account: A1,
          rp: { filters: { sourceBackupIds: ['backup-k5ihzbmrpq2'] } },
        }),
      ],
      copies: [
        { copy_id: 'hsm-copy-failed', api: 'CopyBackupToRegion', kind: 'cloudhsm_backup', status: 'failed' },
        { copy_id: 'hsm-copy', api: 'CopyBackupToRegion', kind: 'cloudhsm_backup', parent_copy_id: null },
        {
          copy_id: 'hsm-copy-2',
          api: 'CopyBackupToRegion',
          kind: 'cloudhsm_backup',
          target_region: 'ap-southeast-1',
          parent_copy_id: null,
        },
      ],
      evidence: [],
      unlinked: ['hsm-describe'],
    },
  ],
};
