// RDS CopyDBSnapshot (reference §3.1): lands in the destination region. The source is an ARN (its
// region and account in it), or a bare name in the call's region for a same-region copy. The KMS
// context on both sides is aws:rds:db-id = the source instance's dbiResourceId, which the response
// repeats.
import { KMS_EVIDENCE_EVENTS } from '../../core/events.ts';
import { BACKUP_JOB_EVENTS, RDS_WINDOWS, type RuleDeclaration } from './rule.ts';

export const rds_copy_db_snapshot: RuleDeclaration = {
  id: 'rds_copy_db_snapshot',
  eventSource: 'rds.amazonaws.com',
  api: 'CopyDBSnapshot',
  kind: 'rds_snapshot',
  source: {
    ref: ['requestParameters.sourceDBSnapshotIdentifier'],
    region: ['responseElements.sourceRegion', 'awsRegion'],
    account: [],
    fromArn: 'ref',
  },
  target: {
    ref: ['responseElements.dBSnapshotIdentifier', 'requestParameters.targetDBSnapshotIdentifier'],
    arn: ['responseElements.dBSnapshotArn'],
    region: ['awsRegion'],
    account: ['recipientAccountId'],
  },
  key: ['requestParameters.kmsKeyId'],
  context: ['responseElements.dbiResourceId'],
  backup: { vault: [], copyJobId: [] },
  error: ['errorCode'],
  kms: {
    operations: [...KMS_EVIDENCE_EVENTS],
    contextKeys: ['aws:rds:db-id'],
    sourceContext: 'copy_context',
    targetContext: 'copy_context',
  },
  serviceEvents: BACKUP_JOB_EVENTS,
  windows: RDS_WINDOWS,
};
