// AWS Backup StartCopyJob (reference §4.1): lands in the source region; the destination is the vault
// ARN (its region and account), and the key is the destination vault's, not in the call. The new
// recovery point is known only from the job's CopyJobCompleted (destinationRecoveryPointArn, filled
// in before evidence is joined: rule.ts BACKUP_JOB_EVENTS); an EBS recovery point's own KMS records
// then attach as target evidence (aws:ebs:id = the new snapshot). A job names no context of its own
// for the source side: that side is the resource-level copy's, which the backup role makes as its own
// CopySnapshot/CopyDB* edge (mechanism aws_backup); CopyJobStarted/Completed attach to both.
import { KMS_EVIDENCE_EVENTS } from '../../core/events.ts';
import { BACKUP_JOB_EVENTS, EBS_WINDOWS, type RuleDeclaration } from './rule.ts';

export const backup_start_copy_job: RuleDeclaration = {
  id: 'backup_start_copy_job',
  eventSource: 'backup.amazonaws.com',
  api: 'StartCopyJob',
  kind: 'backup_recovery_point',
  mechanism: 'aws_backup',
  // the call is made in the account and region that hold the recovery point (an EC2 snapshot's ARN
  // names no account)
  source: {
    ref: ['requestParameters.recoveryPointArn'],
    region: ['awsRegion'],
    account: ['recipientAccountId'],
    fromArn: 'ref',
  },
  target: {
    ref: [],
    arn: [],
    region: [],
    account: [],
    fromArn: 'backup_vault',
  },
  key: [],
  context: [],
  backup: {
    vault: ['requestParameters.destinationBackupVaultArn'],
    copyJobId: ['responseElements.copyJobId'],
  },
  error: ['errorCode'],
  kms: {
    operations: [...KMS_EVIDENCE_EVENTS],
    contextKeys: ['aws:ebs:id'],
    sourceContext: 'copy_context',
    targetContext: 'target_id',
  },
  serviceEvents: BACKUP_JOB_EVENTS,
  // a copy job can run for many hours after the call (reference §4.2)
  windows: { ...EBS_WINDOWS, serviceAfterS: 48 * 3600 },
};
