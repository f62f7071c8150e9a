// Named scenarios for backup_start_copy_job: what must link to a StartCopyJob, and what must not.
import { A1, A2, call, type RuleFixtures, serviceEvent } from './fixture.ts';

const VAULT = `arn:aws:backup:eu-west-1:${A2}:backup-vault:dr-vault`;
const point = (snapshot: string) => `arn:aws:ec2:us-east-1::snapshot/${snapshot}`;

const startCopyJob = (id: string, at: string, snapshot: string, job: string) =>
  call({
    id,
    at,
    source: 'backup.amazonaws.com',
    name: 'StartCopyJob',
    region: 'us-east-1',
    account: A1,
    rp: {
      recoveryPointArn: point(snapshot),
      sourceBackupVaultName: 'prod',
      destinationBackupVaultArn: VAULT,
    },
    re: { copyJobId: job, creationDate: 'Mar 2, 2026, 1:02:10 PM' },
  });

const jobEvent = (
  id: string,
  at: string,
  name: string,
  details: Record<string, unknown>,
  source = 'backup.amazonaws.com',
) => serviceEvent({ id, at, source, name, region: 'us-east-1', account: A1, actor: A1, details });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: "the job's CopyJobStarted and CopyJobCompleted attach by job id; COMPLETED completes the copy into the vault's region and account",
      records: [
        startCopyJob('bk-job', '2026-03-02T13:02:10Z', 'snap-0f00000000000001', 'JOB-1'),
        jobEvent('bk-started', '2026-03-02T13:02:30Z', 'CopyJobStarted', {
          copyJobId: 'JOB-1',
          state: 'RUNNING',
          sourceRecoveryPointArn: point('snap-0f00000000000001'),
          destinationBackupVaultArn: VAULT,
        }),
        jobEvent('bk-done', '2026-03-02T13:41:55Z', 'CopyJobCompleted', {
          copyJobId: 'JOB-1',
          state: 'COMPLETED',
          sourceRecoveryPointArn: point('snap-0f00000000000001'),
          destinationBackupVaultArn: VAULT,
        }),
      ],
      copies: [
        {
          copy_id: 'bk-job',
          api: 'StartCopyJob',
          kind: 'backup_recovery_point',
          mechanism: 'aws_backup',
          status: 'completed',
          source_id: 'snap-0f00000000000001',
          source_arn: point('snap-0f00000000000001'),
          source_region: 'us-east-1',
          source_account: A1,
          target_id: null,
          target_region: 'eu-west-1',
          target_account: A2,
        },
      ],
      evidence: [
        { copy_id: 'bk-job', event_id: 'bk-done', side: 'target', match: 'service_event' },
        { copy_id: 'bk-job', event_id: 'bk-started', side: 'source', match: 'service_event' },
      ],
    },
  ],
  negative: [
    {
      name: "another job's events, one for this recovery point days after the window, and a job event from another service do not link",
      records: [
        startCopyJob('bk-neg-job', '2026-03-02T13:02:10Z', 'snap-0f00000000000002', 'JOB-N'),
        jobEvent('bk-neg-other-job', '2026-03-02T13:30:00Z', 'CopyJobCompleted', {
          copyJobId: 'JOB-OTHER',
          state: 'COMPLETED',
          sourceRecoveryPointArn: point('snap-0f00000000000009'),
          destinationRecoveryPointArn: 'arn:aws:ec2:eu-west-1::snapshot/snap-0f00000000000010',
        }),
        jobEvent('bk-neg-late', '2026-03-05T13:02:10Z', 'CopyJobCompleted', {
          copyJobId: 'JOB-LATER',
          state: 'COMPLETED',
          sourceRecoveryPointArn: point('snap-0f00000000000002'),
          destinationRecoveryPointArn: 'arn:aws:ec2:eu-west-1::snapshot/snap-0f00000000000011',
        }),
        jobEvent(
          'bk-neg-not-backup',
          '2026-03-02T13:30:00Z',
          'CopyJobCompleted',
          { copyJobId: 'JOB-N', state: 'COMPLETED' },
          'ec2.amazonaws.com',
        ),
      ],
      copies: [
        {
          copy_id: 'bk-neg-job',
          api: 'StartCopyJob',
          kind: 'backup_recovery_point',
          mechanism: 'aws_backup',
          status: 'requested',
        },
      ],
      evidence: [],
      unlinked: ['bk-neg-other-job', 'bk-neg-late', 'bk-neg-not-backup'],
    },
  ],
};
