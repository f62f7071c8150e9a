// Redshift Serverless CreateSnapshotCopyConfiguration: a namespace's snapshots copied from now on to
// another region, under the destination key it names. Configuration-style: active until
// DeleteSnapshotCopyConfiguration removes it. The edge's target is the namespace's snapshots in the
// destination region (its id: the namespace's name).
// Shape inferred from the API reference; no real record seen: Redshift Serverless is a JSON API, so
// CloudTrail logs its members as named (requestParameters.namespaceName, destinationRegion,
// destinationKmsKeyId). The delete call names only the configuration id; its response repeats the
// configuration, namespace and destination region, which tie it to the edge. No KMS evidence.
import { DECLARED_CALL, type RuleDeclaration } from './rule.ts';

export const redshift_serverless_snapshot_copy_configuration: RuleDeclaration = {
  id: 'redshift_serverless_snapshot_copy_configuration',
  eventSource: 'redshift-serverless.amazonaws.com',
  api: 'CreateSnapshotCopyConfiguration',
  kind: 'redshift_snapshot_copy',
  configuration: true,
  source: {
    ref: ['requestParameters.namespaceName'],
    region: ['awsRegion'],
    account: ['recipientAccountId'],
  },
  target: {
    ref: ['requestParameters.namespaceName'],
    arn: [],
    region: [
      'requestParameters.destinationRegion',
      'responseElements.snapshotCopyConfiguration.destinationRegion',
    ],
    account: ['recipientAccountId'],
  },
  ...DECLARED_CALL,
  key: ['requestParameters.destinationKmsKeyId'],
  serviceEvents: [
    {
      eventSource: 'redshift-serverless.amazonaws.com',
      eventName: 'DeleteSnapshotCopyConfiguration',
      side: 'source',
      ends: true,
      ties: [
        {
          all: [
            {
              path: 'responseElements.snapshotCopyConfiguration.namespaceName',
              field: 'source_id',
              test: 'equals',
            },
            {
              path: 'responseElements.snapshotCopyConfiguration.destinationRegion',
              field: 'target_region',
              test: 'equals',
            },
            { path: 'awsRegion', field: 'call_region', test: 'equals' },
            { path: 'recipientAccountId', field: 'call_account', test: 'equals' },
          ],
          inWindow: false,
        },
      ],
    },
  ],
};
