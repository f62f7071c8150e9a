// StartDBInstanceAutomatedBackupsReplication (reference §3.4): called in the destination region with
// the source instance's ARN; the response names the replicated backups' ARN and the instance's
// dbiResourceId, the aws:rds:db-id of its KMS records on both sides.
import {
  BACKUP_JOB_EVENTS,
  IN_CALL_PLACE,
  PLAIN_CALL,
  RDS_KMS,
  RDS_WINDOWS,
  type RuleDeclaration,
} from './rule.ts';

export const rds_automated_backups_replication: RuleDeclaration = {
  id: 'rds_automated_backups_replication',
  eventSource: 'rds.amazonaws.com',
  api: 'StartDBInstanceAutomatedBackupsReplication',
  kind: 'rds_automated_backup',
  source: {
    ref: ['requestParameters.sourceDBInstanceArn'],
    region: [],
    account: [],
    fromArn: 'ref',
  },
  target: {
    ref: ['responseElements.dBInstanceAutomatedBackupsArn'],
    arn: ['responseElements.dBInstanceAutomatedBackupsArn'],
    ...IN_CALL_PLACE,
  },
  key: ['requestParameters.kmsKeyId'],
  context: ['responseElements.dbiResourceId'],
  ...PLAIN_CALL,
  kms: RDS_KMS,
  serviceEvents: BACKUP_JOB_EVENTS,
  windows: RDS_WINDOWS,
};
