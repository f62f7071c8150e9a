// Named scenarios for rds_automated_backups_replication: what must link to a
// StartDBInstanceAutomatedBackupsReplication, and what must not.
import { A1, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const WEST_KEY = keyArn('us-west-2', A1, '99999999-9999-4999-8999-999999999999');
const EAST_KEY = keyArn('us-east-1', A1, 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa');

const replicate = (id: string, at: string, instance: string, backups: string, dbi: string) =>
  call({
    id,
    at,
    source: 'rds.amazonaws.com',
    name: 'StartDBInstanceAutomatedBackupsReplication',
    region: 'us-west-2',
    account: A1,
    rp: {
      sourceDBInstanceArn: `arn:aws:rds:us-east-1:${A1}:db:${instance}`,
      backupRetentionPeriod: 7,
      kmsKeyId: WEST_KEY,
    },
    re: {
      dBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:${A1}:auto-backup:${backups}`,
      dbiResourceId: dbi,
      region: 'us-east-1',
    },
  });

const rdsKms = (
  id: string,
  at: string,
  name: string,
  region: string,
  key: string,
  ctx: Record<string, string>,
) => kms({ id, at, name, region, account: A1, key, ctx, invokedBy: 'rds.amazonaws.com' });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: "an instance's automated backups replicated to another region: its dbiResourceId on both sides",
      records: [
        replicate('rab-call', '2026-03-02T10:00:00Z', 'orders', 'ab-0rders', 'db-ZZZZORDERSAAAAAAAAAAAAAAA'),
        rdsKms('rab-source-decrypt', '2026-03-02T11:00:00Z', 'Decrypt', 'us-east-1', EAST_KEY, {
          'aws:rds:db-id': 'db-ZZZZORDERSAAAAAAAAAAAAAAA',
        }),
        rdsKms('rab-target-gdk', '2026-03-02T11:05:00Z', 'GenerateDataKey', 'us-west-2', WEST_KEY, {
          'aws:rds:db-id': 'db-ZZZZORDERSAAAAAAAAAAAAAAA',
        }),
      ],
      copies: [
        {
          copy_id: 'rab-call',
          api: 'StartDBInstanceAutomatedBackupsReplication',
          kind: 'rds_automated_backup',
          source_id: 'orders',
          source_arn: `arn:aws:rds:us-east-1:${A1}:db:orders`,
          source_region: 'us-east-1',
          source_account: A1,
          target_id: 'ab-0rders',
          target_arn: `arn:aws:rds:us-west-2:${A1}:auto-backup:ab-0rders`,
          target_region: 'us-west-2',
          source_key_arn: EAST_KEY,
          target_key_arn: WEST_KEY,
        },
      ],
      evidence: [
        { copy_id: 'rab-call', event_id: 'rab-source-decrypt', side: 'source', match: 'source_context' },
        { copy_id: 'rab-call', event_id: 'rab-target-gdk', side: 'target', match: 'encryption_context' },
      ],
    },
  ],
  negative: [
    {
      name: 'another instance, the id under an EBS key, or a third region does not link',
      records: [
        replicate(
          'rab-neg-call',
          '2026-03-02T10:00:00Z',
          'billing',
          'ab-billing',
          'db-BILLING2AAAAAAAAAAAAAAAA',
        ),
        rdsKms('rab-neg-other-db', '2026-03-02T11:00:00Z', 'GenerateDataKey', 'us-west-2', WEST_KEY, {
          'aws:rds:db-id': 'db-OTHER2AAAAAAAAAAAAAAAAAA',
        }),
        rdsKms('rab-neg-ebs-key', '2026-03-02T11:00:00Z', 'GenerateDataKey', 'us-west-2', WEST_KEY, {
          'aws:ebs:id': 'db-BILLING2AAAAAAAAAAAAAAAA',
        }),
        rdsKms(
          'rab-neg-third-region',
          '2026-03-02T11:00:00Z',
          'Decrypt',
          'eu-central-1',
          keyArn('eu-central-1', A1, 'k'),
          {
            'aws:rds:db-id': 'db-BILLING2AAAAAAAAAAAAAAAA',
          },
        ),
      ],
      copies: [
        {
          copy_id: 'rab-neg-call',
          api: 'StartDBInstanceAutomatedBackupsReplication',
          kind: 'rds_automated_backup',
          target_id: 'ab-billing',
        },
      ],
      evidence: [],
      unlinked: ['rab-neg-other-db', 'rab-neg-ebs-key', 'rab-neg-third-region'],
    },
  ],
};
