// Redshift EnableSnapshotCopy: every snapshot of a cluster is copied from now on to another region,
// encrypted there under the key a snapshot copy grant names. Configuration-style: active until
// DisableSnapshotCopy for the cluster, in the same region and account. The edge's target is the
// cluster's snapshots in the destination region (its id: the cluster's).
// Shape inferred from the API reference; no real record seen: Redshift is a Query API, logged in
// lowerCamelCase (requestParameters.clusterIdentifier, destinationRegion, snapshotCopyGrantName).
// The destination key is behind the grant's name, not in the call, and Redshift's KMS records are
// not documented to name a cluster's copies: no KMS evidence.
import { DECLARED_CALL, type RuleDeclaration } from './rule.ts';

export const redshift_enable_snapshot_copy: RuleDeclaration = {
  id: 'redshift_enable_snapshot_copy',
  eventSource: 'redshift.amazonaws.com',
  api: 'EnableSnapshotCopy',
  kind: 'redshift_snapshot_copy',
  configuration: true,
  source: {
    ref: ['requestParameters.clusterIdentifier'],
    region: ['awsRegion'],
    account: ['recipientAccountId'],
  },
  target: {
    ref: ['requestParameters.clusterIdentifier'],
    arn: [],
    region: ['requestParameters.destinationRegion'],
    account: ['recipientAccountId'],
  },
  ...DECLARED_CALL,
  serviceEvents: [
    {
      eventSource: 'redshift.amazonaws.com',
      eventName: 'DisableSnapshotCopy',
      side: 'source',
      ends: true,
      ties: [
        {
          all: [
            { path: 'requestParameters.clusterIdentifier', field: 'source_id', test: 'equals' },
            { path: 'awsRegion', field: 'call_region', test: 'equals' },
            { path: 'recipientAccountId', field: 'call_account', test: 'equals' },
          ],
          inWindow: false,
        },
      ],
    },
  ],
};
