// Named scenarios for rds_copy_db_snapshot: what must link to a CopyDBSnapshot, and what must not.
import { A1, A2, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const WEST_KEY = keyArn('us-west-2', A1, '66666666-6666-4666-8666-666666666666');
const EAST_KEY = keyArn('us-east-1', A2, '77777777-7777-4777-8777-777777777777');

const copyDbSnapshot = (o: {
  id: string;
  at: string;
  region: string;
  source: string;
  target: string;
  dbi?: string;
  key?: string;
  error?: string;
}) =>
  call({
    id: o.id,
    at: o.at,
    source: 'rds.amazonaws.com',
    name: 'CopyDBSnapshot',
    region: o.region,
    account: A1,
    error: o.error,
    rp: {
      sourceDBSnapshotIdentifier: o.source,
      targetDBSnapshotIdentifier: o.target,
      ...(o.key ? { kmsKeyId: o.key } : {}),
    },
    re: {
      dBSnapshotIdentifier: o.target,
      dBSnapshotArn: `arn:aws:rds:${o.region}:${A1}:snapshot:${o.target}`,
      dbiResourceId: o.dbi,
      encrypted: true,
      ...(o.key ? { kmsKeyId: o.key } : {}),
    },
  });

const rdsKms = (
  id: string,
  at: string,
  name: string,
  region: string,
  account: string,
  key: string,
  ctx: Record<string, string>,
) => kms({ id, at, name, region, account, key, ctx, invokedBy: 'rds.amazonaws.com' });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: "cross-region copy of another account's snapshot: source from its ARN, the instance's aws:rds:db-id on both sides",
      records: [
        copyDbSnapshot({
          id: 'rds-copy',
          at: '2026-03-02T12:00:00Z',
          region: 'us-west-2',
          source: `arn:aws:rds:us-east-1:${A2}:snapshot:orders-2026-03-02`,
          target: 'orders-dr',
          dbi: 'db-ORDERS1AAAAAAAAAAAAAAAAAA',
          key: WEST_KEY,
        }),
        rdsKms('rds-source-decrypt', '2026-03-02T13:00:00Z', 'Decrypt', 'us-east-1', A2, EAST_KEY, {
          'aws:rds:db-id': 'db-ORDERS1AAAAAAAAAAAAAAAAAA',
        }),
        rdsKms('rds-target-gdk', '2026-03-02T14:00:00Z', 'GenerateDataKey', 'us-west-2', A1, WEST_KEY, {
          'aws:rds:db-id': 'db-ORDERS1AAAAAAAAAAAAAAAAAA',
        }),
      ],
      copies: [
        {
          copy_id: 'rds-copy',
          api: 'CopyDBSnapshot',
          kind: 'rds_snapshot',
          source_id: 'orders-2026-03-02',
          source_arn: `arn:aws:rds:us-east-1:${A2}:snapshot:orders-2026-03-02`,
          source_region: 'us-east-1',
          source_account: A2,
          source_key_arn: EAST_KEY,
          target_id: 'orders-dr',
          target_arn: `arn:aws:rds:us-west-2:${A1}:snapshot:orders-dr`,
          target_region: 'us-west-2',
          target_account: A1,
          target_key_arn: WEST_KEY,
        },
      ],
      evidence: [
        { copy_id: 'rds-copy', event_id: 'rds-source-decrypt', side: 'source', match: 'source_context' },
        { copy_id: 'rds-copy', event_id: 'rds-target-gdk', side: 'target', match: 'encryption_context' },
      ],
    },
  ],
  negative: [
    {
      name: 'an EBS context, another instance, records after the window and a failed copy do not link; a bare source name is in the call region',
      records: [
        copyDbSnapshot({
          id: 'rds-neg-copy',
          at: '2026-03-02T12:00:00Z',
          region: 'us-east-1',
          source: 'billing-daily',
          target: 'billing-keep',
          dbi: 'db-BILLING1AAAAAAAAAAAAAAAAA',
        }),
        rdsKms('rds-neg-ebs-key', '2026-03-02T12:10:00Z', 'GenerateDataKey', 'us-east-1', A1, EAST_KEY, {
          'aws:ebs:id': 'db-BILLING1AAAAAAAAAAAAAAAAA',
        }),
        rdsKms('rds-neg-other-db', '2026-03-02T12:10:00Z', 'GenerateDataKey', 'us-east-1', A1, EAST_KEY, {
          'aws:rds:db-id': 'db-OTHER1AAAAAAAAAAAAAAAAAAA',
        }),
        rdsKms('rds-neg-late', '2026-03-06T12:00:00Z', 'GenerateDataKey', 'us-east-1', A1, EAST_KEY, {
          'aws:rds:db-id': 'db-BILLING1AAAAAAAAAAAAAAAAA',
        }),
        copyDbSnapshot({
          id: 'rds-neg-failed',
          at: '2026-03-02T15:00:00Z',
          region: 'us-west-2',
          source: `arn:aws:rds:us-east-1:${A1}:snapshot:missing`,
          target: 'missing-dr',
          key: WEST_KEY,
          error: 'DBSnapshotNotFound',
        }),
        kms({
          id: 'rds-neg-failed-grant',
          at: '2026-03-02T15:00:01Z',
          name: 'CreateGrant',
          region: 'us-west-2',
          account: A1,
          key: WEST_KEY,
          requestId: 'req-rds-neg-failed',
        }),
      ],
      copies: [
        {
          copy_id: 'rds-neg-copy',
          api: 'CopyDBSnapshot',
          kind: 'rds_snapshot',
          source_id: 'billing-daily',
          source_arn: null,
          source_region: 'us-east-1',
          source_account: A1,
          target_id: 'billing-keep',
          target_region: 'us-east-1',
        },
        { copy_id: 'rds-neg-failed', api: 'CopyDBSnapshot', kind: 'rds_snapshot', status: 'failed' },
      ],
      evidence: [],
      unlinked: ['rds-neg-ebs-key', 'rds-neg-other-db', 'rds-neg-late', 'rds-neg-failed-grant'],
    },
  ],
};
