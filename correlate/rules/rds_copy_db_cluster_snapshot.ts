// RDS CopyDBClusterSnapshot (reference §3.2): as CopyDBSnapshot, for Aurora clusters; the KMS context
// is the cluster's resource id (dbClusterResourceId) under aws:rds:db-id.
import { KMS_EVIDENCE_EVENTS } from '../../core/events.ts';
import { BACKUP_JOB_EVENTS, RDS_WINDOWS, type RuleDeclaration } from './rule.ts';

export const rds_copy_db_cluster_snapshot: RuleDeclaration = {
  id: 'rds_copy_db_cluster_snapshot',
  eventSource: 'rds.amazonaws.com',
  api: 'CopyDBClusterSnapshot',
  kind: 'rds_cluster_snapshot',
  source: {
    ref: ['requestParameters.sourceDBClusterSnapshotIdentifier'],
    region: ['responseElements.sourceRegion', 'awsRegion'],
    account: [],
    fromArn: 'ref',
  },
  target: {
    ref: [
      'responseElements.dBClusterSnapshotIdentifier',
      'requestParameters.targetDBClusterSnapshotIdentifier',
    ],
    arn: ['responseElements.dBClusterSnapshotArn'],
    region: ['awsRegion'],
    account: ['recipientAccountId'],
  },
  key: ['requestParameters.kmsKeyId'],
  context: ['responseElements.dbClusterResourceId'],
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
