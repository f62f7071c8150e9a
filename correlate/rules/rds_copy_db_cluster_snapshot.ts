// RDS CopyDBClusterSnapshot (reference §3.2): as CopyDBSnapshot, for Aurora clusters; the KMS context
// is the cluster's resource id (dbClusterResourceId) under aws:rds:db-id.
import { IN_CALL_PLACE, RDS_CALL, type RuleDeclaration } from './rule.ts';

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
  context: ['responseElements.dbClusterResourceId'],
  // shape inferred from the API reference (DBSnapshot/DBClusterSnapshot.Engine); no real record seen
  engine: ['responseElements.engine'],
  ...RDS_CALL,
};
