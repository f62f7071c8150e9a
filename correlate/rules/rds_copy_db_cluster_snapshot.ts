// RDS CopyDBClusterSnapshot (reference §3.2): as CopyDBSnapshot, for Aurora clusters.
import { type CorrelationRule, KMS_COPY_EVENTS, RDS_WINDOWS } from './rule.ts';

export const rds_copy_db_cluster_snapshot: CorrelationRule = {
  id: 'rds_copy_db_cluster_snapshot',
  api: 'CopyDBClusterSnapshot',
  kind: 'rds_cluster_snapshot',
  context: 'rds',
  kmsEvents: KMS_COPY_EVENTS,
  fields: {
    source: 'requestParameters.sourceDBClusterSnapshotIdentifier',
    target: 'responseElements.dBClusterSnapshotArn / dBClusterSnapshotIdentifier',
    key: 'requestParameters.kmsKeyId; context responseElements.dbClusterResourceId',
  },
  windows: RDS_WINDOWS,
};
