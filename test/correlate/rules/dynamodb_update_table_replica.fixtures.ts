// Named scenarios for dynamodb_update_table_replica: an UpdateTable that creates a replica is an
// active edge to the replica's region until an UpdateTable deletes that region's replica; any other
// UpdateTable is no copy. Records follow the DynamoDB API reference (shape inferred; no real record
// seen).
import { A1, A2, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const DDB = 'dynamodb.amazonaws.com';
const TOKYO_KEY = keyArn('ap-northeast-1', A1, 'd7d7d7d7-d7d7-4d7d-8d7d-d7d7d7d7d7d7');

const updateTable = (o: {
  id: string;
  at: string;
  table: string;
  update: Record<string, unknown>;
  region?: string;
  account?: string;
  error?: string;
}) =>
  call({
    id: o.id,
    at: o.at,
    source: DDB,
    name: 'UpdateTable',
    region: o.region ?? 'us-east-1',
    account: o.account ?? A1,
    error: o.error,
    rp: { tableName: o.table, ...o.update },
    re: { tableDescription: { tableName: 'orders', tableStatus: 'UPDATING' } },
  });

const addReplica = (id: string, at: string, table: string, region: string, error?: string) =>
  updateTable({
    id,
    at,
    table,
    error,
    update: { replicaUpdates: [{ create: { regionName: region, kMSMasterKeyId: TOKYO_KEY } }] },
  });

const dropReplica = (
  id: string,
  at: string,
  table: string,
  region: string,
  from = 'us-east-1',
  account = A1,
) =>
  updateTable({
    id,
    at,
    table,
    region: from,
    account,
    update: { replicaUpdates: [{ delete: { regionName: region } }] },
  });

const edge = {
  api: 'UpdateTable',
  kind: 'dynamodb_replica',
  source_id: 'orders',
  source_region: 'us-east-1',
  source_account: A1,
  target_id: 'orders',
  target_region: 'ap-northeast-1',
  target_account: A1,
  target_key_arn: TOKYO_KEY,
};

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'replica added in another region, removed later from a third replica region: ended by that delete',
      records: [
        addReplica('ddb-add', '2026-03-02T10:00:00Z', 'orders', 'ap-northeast-1'),
        dropReplica('ddb-drop', '2026-05-02T10:00:00Z', 'orders', 'ap-northeast-1', 'eu-west-1'),
      ],
      copies: [{ copy_id: 'ddb-add', ...edge, status: 'ended' }],
      evidence: [{ copy_id: 'ddb-add', event_id: 'ddb-drop', side: 'target', match: 'configuration_end' }],
    },
    {
      name: "replica added by the table's ARN, removed by name: source from the ARN, still ended",
      records: [
        addReplica(
          'ddb-add',
          '2026-03-02T10:00:00Z',
          `arn:aws:dynamodb:us-east-1:${A1}:table/orders`,
          'ap-northeast-1',
        ),
        dropReplica('ddb-drop', '2026-05-02T10:00:00Z', 'orders', 'ap-northeast-1'),
      ],
      copies: [
        {
          copy_id: 'ddb-add',
          ...edge,
          source_arn: `arn:aws:dynamodb:us-east-1:${A1}:table/orders`,
          status: 'ended',
        },
      ],
      evidence: [{ copy_id: 'ddb-add', event_id: 'ddb-drop', side: 'target', match: 'configuration_end' }],
    },
    {
      name: 'replica removed by the table ARN: ended',
      records: [
        addReplica('ddb-add', '2026-03-02T10:00:00Z', 'orders', 'ap-northeast-1'),
        dropReplica(
          'ddb-drop',
          '2026-05-02T10:00:00Z',
          `arn:aws:dynamodb:us-east-1:${A1}:table/orders`,
          'ap-northeast-1',
        ),
      ],
      copies: [{ copy_id: 'ddb-add', ...edge, status: 'ended' }],
      evidence: [{ copy_id: 'ddb-add', event_id: 'ddb-drop', side: 'target', match: 'configuration_end' }],
    },
  ],
  negative: [
    {
      name: 'UpdateTable calls that add no replica are no copies; a delete of another region, table or account ends nothing',
      records: [
        addReplica('ddb-add', '2026-03-02T10:00:00Z', 'orders', 'ap-northeast-1'),
        updateTable({
          id: 'ddb-throughput',
          at: '2026-03-03T10:00:00Z',
          table: 'orders',
          update: { billingMode: 'PAY_PER_REQUEST' },
        }),
        updateTable({
          id: 'ddb-replica-tune',
          at: '2026-03-04T10:00:00Z',
          table: 'orders',
          update: {
            replicaUpdates: [{ update: { regionName: 'ap-northeast-1', tableClassOverride: 'STANDARD' } }],
          },
        }),
        dropReplica('ddb-drop-frankfurt', '2026-04-01T10:00:00Z', 'orders', 'eu-central-1'),
        dropReplica('ddb-drop-invoices', '2026-04-02T10:00:00Z', 'invoices', 'ap-northeast-1'),
        dropReplica(
          'ddb-drop-xorders',
          '2026-04-02T11:00:00Z',
          `arn:aws:dynamodb:us-east-1:${A1}:table/xorders`,
          'ap-northeast-1',
        ),
        dropReplica('ddb-drop-acct', '2026-04-03T10:00:00Z', 'orders', 'ap-northeast-1', 'us-east-1', A2),
      ],
      copies: [{ copy_id: 'ddb-add', ...edge, status: 'active' }],
      evidence: [],
      unlinked: [
        'ddb-throughput',
        'ddb-replica-tune',
        'ddb-drop-frankfurt',
        'ddb-drop-invoices',
        'ddb-drop-xorders',
        'ddb-drop-acct',
      ],
    },
    {
      name: "a failed replica add is failed; the table's own KMS records are not evidence (name-only context)",
      records: [
        addReplica(
          'ddb-add-failed',
          '2026-03-02T10:00:00Z',
          'orders',
          'ap-northeast-1',
          'ValidationException',
        ),
        addReplica('ddb-add', '2026-03-02T11:00:00Z', 'orders', 'ap-northeast-1'),
        kms({
          id: 'ddb-replica-gdk',
          at: '2026-03-02T11:05:00Z',
          name: 'GenerateDataKey',
          region: 'ap-northeast-1',
          account: A1,
          key: TOKYO_KEY,
          ctx: { 'aws:dynamodb:tableName': 'orders', 'aws:dynamodb:subscriberId': A1 },
          invokedBy: DDB,
        }),
      ],
      copies: [
        { copy_id: 'ddb-add-failed', api: edge.api, kind: edge.kind, status: 'failed' },
        { copy_id: 'ddb-add', ...edge, status: 'active' },
      ],
      evidence: [],
      unlinked: ['ddb-replica-gdk'],
    },
  ],
};
