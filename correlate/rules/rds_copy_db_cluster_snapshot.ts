// RDS CopyDBClusterSnapshot (reference §3.2): as CopyDBSnapshot, for Aurora clusters; the KMS context
// is the cluster's resource id (dbClusterResourceId) under aws:rds:db-id.
import {
  BACKUP_JOB_EVENTS,
  IN_CALL_PLACE,
  PLAIN_CALL,
  RDS_KMS,
  RDS_WINDOWS,
  type RuleDeclaration,
} from './rule.ts';

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
    ...IN_CALL_PLACE,
  },
  key: ['requestParameters.kmsKeyId'],
  context: ['responseElements.dbClusterResourceId'],
  ...PLAIN_CALL,
  kms: RDS_KMS,
  serviceEvents: BACKUP_JOB_EVENTS,
  windows: RDS_WINDOWS,
};
