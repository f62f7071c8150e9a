// Redshift CopyClusterSnapshot: a cluster snapshot (automated or manual) copied to a new manual
// snapshot in the same region and account.
// Shape inferred from the API reference; no real record seen: Redshift is a Query API, logged in
// lowerCamelCase (requestParameters.sourceSnapshotIdentifier, targetSnapshotIdentifier; the new
// snapshot in responseElements). Redshift's KMS records are not documented to name a snapshot: no
// KMS evidence.
import { DECLARED_CALL, IN_CALL_PLACE, type RuleDeclaration } from './rule.ts';

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
  ...DECLARED_CALL,
  key: ['responseElements.kmsKeyId'],
};
