// RDS CopyDBSnapshot (reference §3.1): the source is an ARN (region and account in it), the KMS
// context on both sides is aws:rds:db-id = the source instance's dbiResourceId.
import { type CorrelationRule, KMS_COPY_EVENTS, RDS_WINDOWS } from './rule.ts';

export const rds_copy_db_snapshot: CorrelationRule = {
  id: 'rds_copy_db_snapshot',
  api: 'CopyDBSnapshot',
  kind: 'rds_snapshot',
  context: 'rds',
  kmsEvents: KMS_COPY_EVENTS,
  fields: {
    source: 'requestParameters.sourceDBSnapshotIdentifier (ARN, or a name in the call region)',
    target: 'responseElements.dBSnapshotArn / dBSnapshotIdentifier',
    key: 'requestParameters.kmsKeyId; context responseElements.dbiResourceId',
  },
  windows: RDS_WINDOWS,
};
