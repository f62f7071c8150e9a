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
  engine?: string;
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
      ...(o.engine ? { engine: o.engine } : {}),
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
    {
      name: "one-step cross-account and cross-region copy of a shared snapshot: source account and region from the ARN, target in the call's, the source key's use in the copier's and the key owner's trails (sharedEventID) and the destination key's data key all link",
      records: [
        copyDbSnapshot({
          id: 'rds1-copy',
          at: '2026-03-02T12:00:00Z',
          region: 'us-west-2',
          source: `arn:aws:rds:us-east-1:${A2}:snapshot:ledger-2026-03-02`,
          target: 'ledger-dr',
          dbi: 'db-LEDGER1AAAAAAAAAAAAAAAAAA',
          key: WEST_KEY,
          engine: 'postgres',
        }),
        // the copier's RDS reads the shared snapshot under its owner's key: one record in each trail
        kms({
          id: 'rds1-source-decrypt',
          at: '2026-03-02T13:00:00Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A1,
          key: EAST_KEY,
          ctx: { 'aws:rds:db-id': 'db-LEDGER1AAAAAAAAAAAAAAAAAA' },
          sharedEventId: 'shared-rds1',
          invokedBy: 'rds.amazonaws.com',
        }),
        kms({
          id: 'rds1-source-decrypt-owner',
          at: '2026-03-02T13:00:00Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A2,
          key: EAST_KEY,
          ctx: { 'aws:rds:db-id': 'db-LEDGER1AAAAAAAAAAAAAAAAAA' },
          sharedEventId: 'shared-rds1',
          invokedBy: 'rds.amazonaws.com',
        }),
        rdsKms('rds1-target-gdk', '2026-03-02T14:00:00Z', 'GenerateDataKey', 'us-west-2', A1, WEST_KEY, {
          'aws:rds:db-id': 'db-LEDGER1AAAAAAAAAAAAAAAAAA',
        }),
      ],
      copies: [
        {
          copy_id: 'rds1-copy',
          api: 'CopyDBSnapshot',
          kind: 'rds_snapshot',
          engine: 'postgres',
          source_id: 'ledger-2026-03-02',
          source_region: 'us-east-1',
          source_account: A2,
          source_key_arn: EAST_KEY,
          target_id: 'ledger-dr',
          target_region: 'us-west-2',
          target_account: A1,
          target_key_arn: WEST_KEY,
          key_change: 'new_key',
        },
      ],
      evidence: [
        { copy_id: 'rds1-copy', event_id: 'rds1-source-decrypt', side: 'source', match: 'source_context' },
        {
          copy_id: 'rds1-copy',
          event_id: 'rds1-source-decrypt-owner',
          side: 'source',
          match: 'source_context',
        },
        { copy_id: 'rds1-copy', event_id: 'rds1-target-gdk', side: 'target', match: 'encryption_context' },
      ],
    },
    {
      name: 'daily copies of one instance share its aws:rds:db-id: each target record goes to the copy requested within the pick window before it, never to both',
      records: [
        copyDbSnapshot({
          id: 'rds-daily-1',
          at: '2026-03-02T12:00:00Z',
          region: 'us-west-2',
          source: `arn:aws:rds:us-east-1:${A1}:snapshot:daily-2026-03-02`,
          target: 'daily-dr-2026-03-02',
          dbi: 'db-DAILY1AAAAAAAAAAAAAAAAAAA',
          key: WEST_KEY,
        }),
        copyDbSnapshot({
          id: 'rds-daily-2',
          at: '2026-03-03T12:00:00Z',
          region: 'us-west-2',
          source: `arn:aws:rds:us-east-1:${A1}:snapshot:daily-2026-03-03`,
          target: 'daily-dr-2026-03-03',
          dbi: 'db-DAILY1AAAAAAAAAAAAAAAAAAA',
          key: WEST_KEY,
        }),
        rdsKms('rds-daily-1-gdk', '2026-03-02T14:00:00Z', 'GenerateDataKey', 'us-west-2', A1, WEST_KEY, {
          'aws:rds:db-id': 'db-DAILY1AAAAAAAAAAAAAAAAAAA',
        }),
        // inside the first copy's 72 h window too, but 25 h after it was requested: the second copy's
        rdsKms('rds-daily-2-gdk', '2026-03-03T13:00:00Z', 'GenerateDataKey', 'us-west-2', A1, WEST_KEY, {
          'aws:rds:db-id': 'db-DAILY1AAAAAAAAAAAAAAAAAAA',
        }),
      ],
      copies: [
        {
          copy_id: 'rds-daily-1',
          api: 'CopyDBSnapshot',
          kind: 'rds_snapshot',
          target_id: 'daily-dr-2026-03-02',
        },
        {
          copy_id: 'rds-daily-2',
          api: 'CopyDBSnapshot',
          kind: 'rds_snapshot',
          target_id: 'daily-dr-2026-03-03',
        },
      ],
      evidence: [
        { copy_id: 'rds-daily-1', event_id: 'rds-daily-1-gdk', side: 'target', match: 'encryption_context' },
        { copy_id: 'rds-daily-2', event_id: 'rds-daily-2-gdk', side: 'target', match: 'encryption_context' },
      ],
    },
  ],
  negative: [
    {
      name: 'two copies of one instance minutes apart: a target record that fits both is ambiguous on each and certain on neither, so neither takes its key from it',
      records: [
        copyDbSnapshot({
          id: 'rds-twin-1',
          at: '2026-03-02T12:00:00Z',
          region: 'us-west-2',
          source: `arn:aws:rds:us-east-1:${A1}:snapshot:twin-a`,
          target: 'twin-a-dr',
          dbi: 'db-TWIN1AAAAAAAAAAAAAAAAAAAA',
        }),
        copyDbSnapshot({
          id: 'rds-twin-2',
          at: '2026-03-02T12:05:00Z',
          region: 'us-west-2',
          source: `arn:aws:rds:us-east-1:${A1}:snapshot:twin-b`,
          target: 'twin-b-dr',
          dbi: 'db-TWIN1AAAAAAAAAAAAAAAAAAAA',
        }),
        rdsKms('rds-twin-gdk', '2026-03-02T12:30:00Z', 'GenerateDataKey', 'us-west-2', A1, WEST_KEY, {
          'aws:rds:db-id': 'db-TWIN1AAAAAAAAAAAAAAAAAAAA',
        }),
        rdsKms('rds-twin-other-db', '2026-03-02T12:30:00Z', 'GenerateDataKey', 'us-west-2', A1, WEST_KEY, {
          'aws:rds:db-id': 'db-OTHER2AAAAAAAAAAAAAAAAAAA',
        }),
      ],
      copies: [
        { copy_id: 'rds-twin-1', api: 'CopyDBSnapshot', kind: 'rds_snapshot', target_key_arn: null },
        { copy_id: 'rds-twin-2', api: 'CopyDBSnapshot', kind: 'rds_snapshot', target_key_arn: null },
      ],
      evidence: [
        {
          copy_id: 'rds-twin-1',
          event_id: 'rds-twin-gdk',
          side: 'target',
          match: 'encryption_context_ambiguous',
        },
        {
          copy_id: 'rds-twin-2',
          event_id: 'rds-twin-gdk',
          side: 'target',
          match: 'encryption_context_ambiguous',
        },
      ],
      unlinked: ['rds-twin-other-db'],
    },
    {
      name: "one-step cross-account copy: the key owner's records for another instance, and the copier's for this instance in a third region, do not link",
      records: [
        copyDbSnapshot({
          id: 'rds1-neg-copy',
          at: '2026-03-02T12:00:00Z',
          region: 'us-west-2',
          source: `arn:aws:rds:us-east-1:${A2}:snapshot:ledger-2026-03-03`,
          target: 'ledger-dr-2',
          dbi: 'db-LEDGER2AAAAAAAAAAAAAAAAAA',
          key: WEST_KEY,
          engine: 'postgres',
        }),
        kms({
          id: 'rds1-neg-owner-other-db',
          at: '2026-03-02T13:00:00Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A2,
          key: EAST_KEY,
          ctx: { 'aws:rds:db-id': 'db-OTHER2AAAAAAAAAAAAAAAAAAA' },
          sharedEventId: 'shared-rds1-neg',
          invokedBy: 'rds.amazonaws.com',
        }),
        rdsKms(
          'rds1-neg-third-region',
          '2026-03-02T13:00:00Z',
          'GenerateDataKey',
          'eu-west-1',
          A1,
          keyArn('eu-west-1', A1, 'k'),
          {
            'aws:rds:db-id': 'db-LEDGER2AAAAAAAAAAAAAAAAAA',
          },
        ),
      ],
      copies: [
        {
          copy_id: 'rds1-neg-copy',
          api: 'CopyDBSnapshot',
          kind: 'rds_snapshot',
          source_account: A2,
          source_region: 'us-east-1',
          target_account: A1,
          target_region: 'us-west-2',
        },
      ],
      evidence: [],
      unlinked: ['rds1-neg-owner-other-db', 'rds1-neg-third-region'],
    },
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
