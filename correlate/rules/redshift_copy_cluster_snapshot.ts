// Redshift CopyClusterSnapshot: a cluster snapshot (automated or manual) copied to a new manual
// snapshot in the same region and account.
// Shape inferred from the API reference; no real record seen: Redshift is a Query API, logged in
// lowerCamelCase (requestParameters.sourceSnapshotIdentifier, targetSnapshotIdentifier; the new
// snapshot in responseElements). Redshift's KMS records are not documented to name a snapshot: no
// KMS evidence.
import { EBS_WINDOWS, IN_CALL_PLACE, NO_KMS, PLAIN_CALL, type RuleDeclaration } from './rule.ts';

export const redshift_copy_cluster_snapshot: RuleDeclaration = {
  id: 'redshift_copy_cluster_snapshot',
  eventSource: 'redshift.amazonaws.com',
  api: 'CopyClusterSnapshot',
  kind: 'redshift_snapshot',
  source: {
    ref: ['requestParameters.sourceSnapshotIdentifier'],
    region: ['awsRegion'],
    account: [],
  },
  target: {
    ref: ['responseElements.snapshotIdentifier', 'requestParameters.targetSnapshotIdentifier'],
    arn: [],
    ...IN_CALL_PLACE,
  },
  key: ['responseElements.kmsKeyId'],
  context: [],
  ...PLAIN_CALL,
  kms: NO_KMS,
  serviceEvents: [],
  windows: EBS_WINDOWS,
};
