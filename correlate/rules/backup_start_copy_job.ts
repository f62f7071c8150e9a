// AWS Backup StartCopyJob (reference §4.1): lands in the source region; the destination is the
// vault ARN. The resource-level copy the backup role makes is its own CopySnapshot/CopyDB* edge
// (mechanism aws_backup); CopyJobStarted/Completed attach as service events.
import { type CorrelationRule, EBS_WINDOWS, KMS_COPY_EVENTS } from './rule.ts';

export const backup_start_copy_job: CorrelationRule = {
  id: 'backup_start_copy_job',
  api: 'StartCopyJob',
  kind: 'backup_recovery_point',
  context: 'none',
  kmsEvents: KMS_COPY_EVENTS,
  fields: {
    source: 'requestParameters.recoveryPointArn',
    target:
      'requestParameters.destinationBackupVaultArn (region, account); CopyJobCompleted.destinationRecoveryPointArn',
    key: 'the destination vault key (not in the call)',
  },
  windows: { ...EBS_WINDOWS, serviceAfterS: 48 * 3600 },
};
