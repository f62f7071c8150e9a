// DynamoDB global tables (version 2019.11.21): UpdateTable with a replicaUpdates create adds a
// replica of the table in another region. Configuration-style: the replica is kept in step until an
// UpdateTable with a replicaUpdates delete for that region removes it. Other UpdateTable calls
// (throughput, streams, indexes) are not copies. The edge's target is the table of the same name in
// the replica's region.
// Shape inferred from the API reference; no real record seen: DynamoDB is a JSON API, so CloudTrail
// logs requestParameters.tableName (a name or, since 2024, the table's ARN) and
// replicaUpdates[].create.regionName / delete.regionName. Only the list's first element is read: a
// call that adds several replicas at once yields the first (a missing edge, never a wrong one).
// Replicas in other accounts are not modelled: no request shape for them is documented that we have
// seen. DynamoDB's encryption context names a table by name and account, which one join key cannot
// hold: no KMS evidence.
import { DECLARED_CALL, type RuleDeclaration } from './rule.ts';

const CREATE = 'requestParameters.replicaUpdates[0].create';
const DELETED_REGION = 'requestParameters.replicaUpdates[0].delete.regionName';

export const dynamodb_update_table_replica: RuleDeclaration = {
  id: 'dynamodb_update_table_replica',
  eventSource: 'dynamodb.amazonaws.com',
  api: 'UpdateTable',
  kind: 'dynamodb_replica',
  configuration: true,
  only: [`${CREATE}.regionName`],
  source: {
    ref: ['requestParameters.tableName'],
    region: ['awsRegion'],
    account: ['recipientAccountId'],
    fromArn: 'ref',
  },
  target: {
    ref: ['requestParameters.tableName'],
    arn: [],
    region: [`${CREATE}.regionName`],
    account: ['recipientAccountId'],
  },
  ...DECLARED_CALL,
  key: [`${CREATE}.kMSMasterKeyId`, `${CREATE}.kmsMasterKeyId`],
  // the delete may be sent to any region of the global table; it names the table (by name or ARN)
  // and the replica's region
  serviceEvents: [
    {
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'UpdateTable',
      side: 'target',
      ends: true,
      ties: [
        { path: 'requestParameters.tableName', test: 'equals' as const, prefix: '' },
        { path: 'requestParameters.tableName', test: 'ends_with' as const, prefix: ':table/' },
      ].map((name) => ({
        all: [
          { ...name, field: 'source_id' as const },
          { path: DELETED_REGION, field: 'target_region' as const, test: 'equals' as const },
          { path: 'recipientAccountId', field: 'call_account' as const, test: 'equals' as const },
        ],
        inWindow: false,
      })),
    },
  ],
};
