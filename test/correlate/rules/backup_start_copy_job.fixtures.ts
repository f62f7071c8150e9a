// Named scenarios for backup_start_copy_job: what must link to a StartCopyJob, and what must not.
import { A1, A2, call, keyArn, kms, type RuleFixtures, serviceEvent } from './fixture.ts';

const VAULT = `arn:aws:backup:eu-west-1:${A2}:backup-vault:dr-vault`;
const point = (snapshot: string) => `arn:aws:ec2:us-east-1::snapshot/${snapshot}`;
const made = (snapshot: string) => `arn:aws:ec2:eu-west-1::snapshot/${snapshot}`;
/** The destination vault's key, kept in a central key account: its use lands in both trails. */
const A3 = '777788889999';
const VAULT_KEY = keyArn('eu-west-1', A3, '88888888-8888-4888-8888-888888888888');

/** A KMS record in the destination region naming a recovery point a job made. */
const destKms = (o: {
  id: string;
  at: string;
  name: string;
  snapshot: string;
  account?: string;
  sharedEventId?: string;
  grant?: boolean;
}) =>
  kms({
    id: o.id,
    at: o.at,
    name: o.name,
    region: 'eu-west-1',
    account: o.account ?? A2,
    key: VAULT_KEY,
    ...(o.grant ? { grantCtx: { 'aws:ebs:id': o.snapshot } } : { ctx: { 'aws:ebs:id': o.snapshot } }),
    sharedEventId: o.sharedEventId,
    invokedBy: 'backup.amazonaws.com',
  });

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

const completed = (id: string, at: string, job: string, from: string, to: string, state = 'COMPLETED') =>
  jobEvent(id, at, 'CopyJobCompleted', {
    copyJobId: job,
    state,
    sourceRecoveryPointArn: point(from),
    destinationBackupVaultArn: VAULT,
    destinationRecoveryPointArn: made(to),
    resourceType: 'EBS',
  });

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
    {
      name: "a cross-account job whose new recovery point only its CopyJobCompleted names: target id, region and account filled, the recovery point's data keys in the destination's and the key owner's trails joined",
      records: [
        startCopyJob('bkx-job', '2026-03-02T13:02:10Z', 'snap-0f00000000000021', 'JOB-X'),
        destKms({
          id: 'bkx-grant',
          at: '2026-03-02T13:10:00Z',
          name: 'CreateGrant',
          snapshot: 'snap-0f00000000000022',
          grant: true,
        }),
        destKms({
          id: 'bkx-gdk',
          at: '2026-03-02T13:10:05Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          snapshot: 'snap-0f00000000000022',
          sharedEventId: 'shared-bkx',
        }),
        destKms({
          id: 'bkx-gdk-owner',
          at: '2026-03-02T13:10:05Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          snapshot: 'snap-0f00000000000022',
          account: A3,
          sharedEventId: 'shared-bkx',
        }),
        completed(
          'bkx-done',
          '2026-03-02T13:41:55Z',
          'JOB-X',
          'snap-0f00000000000021',
          'snap-0f00000000000022',
        ),
      ],
      copies: [
        {
          copy_id: 'bkx-job',
          api: 'StartCopyJob',
          kind: 'backup_recovery_point',
          status: 'completed',
          source_id: 'snap-0f00000000000021',
          source_region: 'us-east-1',
          source_account: A1,
          target_id: 'snap-0f00000000000022',
          target_arn: made('snap-0f00000000000022'),
          target_region: 'eu-west-1',
          target_account: A2,
          target_key_arn: VAULT_KEY,
        },
      ],
      evidence: [
        { copy_id: 'bkx-job', event_id: 'bkx-done', side: 'target', match: 'service_event' },
        { copy_id: 'bkx-job', event_id: 'bkx-gdk', side: 'target', match: 'encryption_context' },
        { copy_id: 'bkx-job', event_id: 'bkx-gdk-owner', side: 'target', match: 'encryption_context' },
        { copy_id: 'bkx-job', event_id: 'bkx-grant', side: 'target', match: 'encryption_context' },
      ],
    },
  ],
  negative: [
    {
      name: "two jobs copying one recovery point at once each get only their own recovery point and data keys; a third job's completion, fitting both by source and time, is evidence of neither",
      records: [
        startCopyJob('bk2-a', '2026-03-02T13:00:00Z', 'snap-0f00000000000031', 'JOB-A'),
        startCopyJob('bk2-b', '2026-03-02T13:01:00Z', 'snap-0f00000000000031', 'JOB-B'),
        destKms({
          id: 'bk2-a-gdk',
          at: '2026-03-02T13:05:00Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          snapshot: 'snap-0f00000000000032',
        }),
        destKms({
          id: 'bk2-b-gdk',
          at: '2026-03-02T13:06:00Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          snapshot: 'snap-0f00000000000033',
        }),
        destKms({
          id: 'bk2-c-gdk',
          at: '2026-03-02T13:07:00Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          snapshot: 'snap-0f00000000000034',
        }),
        completed(
          'bk2-a-done',
          '2026-03-02T13:40:00Z',
          'JOB-A',
          'snap-0f00000000000031',
          'snap-0f00000000000032',
        ),
        completed(
          'bk2-b-done',
          '2026-03-02T13:45:00Z',
          'JOB-B',
          'snap-0f00000000000031',
          'snap-0f00000000000033',
        ),
        completed(
          'bk2-c-done',
          '2026-03-02T13:50:00Z',
          'JOB-C',
          'snap-0f00000000000031',
          'snap-0f00000000000034',
        ),
      ],
      copies: [
        {
          copy_id: 'bk2-a',
          api: 'StartCopyJob',
          kind: 'backup_recovery_point',
          status: 'completed',
          target_id: 'snap-0f00000000000032',
        },
        {
          copy_id: 'bk2-b',
          api: 'StartCopyJob',
          kind: 'backup_recovery_point',
          status: 'completed',
          target_id: 'snap-0f00000000000033',
        },
      ],
      evidence: [
        { copy_id: 'bk2-a', event_id: 'bk2-a-done', side: 'target', match: 'service_event' },
        { copy_id: 'bk2-a', event_id: 'bk2-a-gdk', side: 'target', match: 'encryption_context' },
        { copy_id: 'bk2-b', event_id: 'bk2-b-done', side: 'target', match: 'service_event' },
        { copy_id: 'bk2-b', event_id: 'bk2-b-gdk', side: 'target', match: 'encryption_context' },
      ],
      unlinked: ['bk2-c-done', 'bk2-c-gdk'],
    },
    {
      // decided: the job's own completion saying FAILED makes the copy failed (its call succeeded, so
      // error_code stays null); the recovery point a failed job names is no target of it
      name: "a CopyJobCompleted in state FAILED fails the copy and names no target: the partial recovery point's data key stays unlinked",
      records: [
        startCopyJob('bkf-job', '2026-03-02T13:02:10Z', 'snap-0f00000000000041', 'JOB-F'),
        destKms({
          id: 'bkf-gdk',
          at: '2026-03-02T13:10:00Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          snapshot: 'snap-0f00000000000042',
        }),
        completed(
          'bkf-done',
          '2026-03-02T13:30:00Z',
          'JOB-F',
          'snap-0f00000000000041',
          'snap-0f00000000000042',
          'FAILED',
        ),
      ],
      copies: [
        {
          copy_id: 'bkf-job',
          api: 'StartCopyJob',
          kind: 'backup_recovery_point',
          status: 'failed',
          error_code: null,
          target_id: null,
          target_region: 'eu-west-1',
          target_account: A2,
        },
      ],
      evidence: [{ copy_id: 'bkf-job', event_id: 'bkf-done', side: 'target', match: 'service_event' }],
      unlinked: ['bkf-gdk'],
    },
    {
      name: "a record naming the recovery point after its job completed (a restore from it) is not the copy's evidence; one during the job is",
      records: [
        startCopyJob('bkw-job', '2026-03-02T13:02:10Z', 'snap-0f00000000000051', 'JOB-W'),
        destKms({
          id: 'bkw-grant',
          at: '2026-03-02T13:10:00Z',
          name: 'CreateGrant',
          snapshot: 'snap-0f00000000000052',
          grant: true,
        }),
        completed(
          'bkw-done',
          '2026-03-02T14:00:00Z',
          'JOB-W',
          'snap-0f00000000000051',
          'snap-0f00000000000052',
        ),
        destKms({
          id: 'bkw-restore',
          at: '2026-03-02T18:00:00Z',
          name: 'CreateGrant',
          snapshot: 'snap-0f00000000000052',
          grant: true,
        }),
      ],
      copies: [
        {
          copy_id: 'bkw-job',
          api: 'StartCopyJob',
          kind: 'backup_recovery_point',
          status: 'completed',
          target_id: 'snap-0f00000000000052',
        },
      ],
      evidence: [
        { copy_id: 'bkw-job', event_id: 'bkw-done', side: 'target', match: 'service_event' },
        { copy_id: 'bkw-job', event_id: 'bkw-grant', side: 'target', match: 'encryption_context' },
      ],
      unlinked: ['bkw-restore'],
    },
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
