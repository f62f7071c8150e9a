// Named scenarios for the other copy APIs: RDS snapshots and Aurora cluster snapshots,
// automated-backup replication, AWS Backup StartCopyJob with its service events, and DLM-made copies.
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { A1, A2, copyDbSnapshot, copySnapshot, deliver, KEY, kms } from './fixtures.ts';
import { copyRow, evidenceOf } from './outcome.ts';

const call = (
  name: string,
  source: string,
  at: string,
  region: string,
  account: string,
  rp: object,
  re: object | null,
) => ({
  eventVersion: '1.11',
  eventID: `${name}-${at}`,
  eventTime: at,
  eventSource: source,
  eventName: name,
  awsRegion: region,
  recipientAccountId: account,
  requestID: `req-${name}`,
  userIdentity: {
    type: 'AssumedRole',
    accountId: account,
    arn: `arn:aws:sts::${account}:assumed-role/Ops/op`,
  },
  requestParameters: rp,
  responseElements: re,
});

describe('correlate: other copy APIs', () => {
  it('CopyDBClusterSnapshot: an Aurora cluster snapshot copy with its cluster resource id as context', async () => {
    const store = await memoryStore();
    const key = KEY('eu-west-1', A1, '77777777-7777-4777-8777-777777777777');
    await deliver(store, tempDir(), [
      call(
        'CopyDBClusterSnapshot',
        'rds.amazonaws.com',
        '2026-03-02T10:00:00Z',
        'eu-west-1',
        A1,
        {
          sourceDBClusterSnapshotIdentifier: `arn:aws:rds:us-east-1:${A1}:cluster-snapshot:aurora-1`,
          targetDBClusterSnapshotIdentifier: 'aurora-1-eu',
          kmsKeyId: key,
        },
        {
          dBClusterSnapshotIdentifier: 'aurora-1-eu',
          dBClusterSnapshotArn: `arn:aws:rds:eu-west-1:${A1}:cluster-snapshot:aurora-1-eu`,
          dbClusterResourceId: 'cluster-ABCDEFGHIJKL',
        },
      ),
      kms({
        at: '2026-03-02T11:00:00Z',
        name: 'GenerateDataKey',
        region: 'eu-west-1',
        recipient: A1,
        key,
        ctx: { 'aws:rds:db-id': 'cluster-ABCDEFGHIJKL' },
      }),
    ]);
    await correlate(store);
    const { rows } = await store.userQuery(
      'select kind, source_id, source_region, target_id, target_key_arn, (select count(*) from copy_evidence)::int as ev from copies',
    );
    expect(rows).toEqual([
      {
        kind: 'rds_cluster_snapshot',
        source_id: 'aurora-1',
        source_region: 'us-east-1',
        target_id: 'aurora-1-eu',
        target_key_arn: key,
        ev: 1,
      },
    ]);
  });

  it('StartDBInstanceAutomatedBackupsReplication: source instance ARN to the replicated backups ARN', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      call(
        'StartDBInstanceAutomatedBackupsReplication',
        'rds.amazonaws.com',
        '2026-03-02T10:00:00Z',
        'us-west-2',
        A1,
        { sourceDBInstanceArn: `arn:aws:rds:us-east-1:${A1}:db:orders`, backupRetentionPeriod: 7 },
        {
          dBInstanceAutomatedBackupsArn: `arn:aws:rds:us-west-2:${A1}:auto-backup:ab-abc123`,
          dbiResourceId: 'db-ZZZZ',
          region: 'us-east-1',
        },
      ),
    ]);
    await correlate(store);
    const { rows } = await store.userQuery(
      'select kind, source_id, source_region, target_id, target_region from copies',
    );
    expect(rows).toEqual([
      {
        kind: 'rds_automated_backup',
        source_id: 'orders',
        source_region: 'us-east-1',
        target_id: 'ab-abc123',
        target_region: 'us-west-2',
      },
    ]);
  });

  it('StartCopyJob: lands in the source region, targets the vault region and account, and takes its job events as evidence', async () => {
    const store = await memoryStore();
    const vault = `arn:aws:backup:eu-west-1:${A2}:backup-vault:dr-vault`;
    const rp = `arn:aws:ec2:us-east-1::snapshot/snap-0a1b2c3d4e5f60718`;
    await deliver(store, tempDir(), [
      call(
        'StartCopyJob',
        'backup.amazonaws.com',
        '2026-03-02T13:02:10Z',
        'us-east-1',
        A1,
        { recoveryPointArn: rp, sourceBackupVaultName: 'prod', destinationBackupVaultArn: vault },
        { copyJobId: 'JOB-1', creationDate: 'Mar 2, 2026, 1:02:10 PM' },
      ),
      {
        eventVersion: '1.08',
        eventID: 'job-done',
        eventTime: '2026-03-02T13:41:55Z',
        eventSource: 'backup.amazonaws.com',
        eventName: 'CopyJobCompleted',
        awsRegion: 'us-east-1',
        recipientAccountId: A1,
        eventType: 'AwsServiceEvent',
        userIdentity: { accountId: A1, invokedBy: 'backup.amazonaws.com' },
        serviceEventDetails: {
          copyJobId: 'JOB-1',
          state: 'COMPLETED',
          sourceRecoveryPointArn: rp,
          destinationBackupVaultArn: vault,
        },
      },
    ]);
    await correlate(store);
    const { rows } = await store.userQuery(
      'select kind, mechanism, status, source_id, source_region, source_account, target_region, target_account from copies',
    );
    // the recovery point is in the calling account (its EC2 snapshot ARN names none): a cross-account copy
    expect(rows).toEqual([
      {
        kind: 'backup_recovery_point',
        mechanism: 'aws_backup',
        status: 'completed',
        source_id: 'snap-0a1b2c3d4e5f60718',
        source_region: 'us-east-1',
        source_account: A1,
        target_region: 'eu-west-1',
        target_account: A2,
      },
    ]);
    const ev = await store.userQuery('select event_id, match, side from copy_evidence');
    expect(ev.rows).toEqual([{ event_id: 'job-done', match: 'service_event', side: 'target' }]);
  });

  it('a copy made by the Data Lifecycle Manager role is mechanism dlm; a person with a similar user agent is not', async () => {
    const store = await memoryStore();
    const dlm = {
      type: 'AssumedRole',
      accountId: A1,
      arn: `arn:aws:sts::${A1}:assumed-role/AWSDataLifecycleManagerDefaultRole/DataLifecycleManager`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::${A1}:role/service-role/AWSDataLifecycleManagerDefaultRole`,
        },
      },
    };
    await deliver(store, tempDir(), [
      copySnapshot({
        at: '2026-03-02T10:00:00Z',
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-0dddd0000000000d1',
        newSnap: 'snap-0dddd0000000000d2',
        identity: dlm,
      }),
      copySnapshot({
        at: '2026-03-02T10:05:00Z',
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: 'snap-0dddd0000000000d3',
        newSnap: 'snap-0dddd0000000000d4',
      }),
    ]);
    await correlate(store);
    const { rows } = await store.userQuery('select target_id, mechanism from copies order by target_id');
    expect(rows).toEqual([
      { target_id: 'snap-0dddd0000000000d2', mechanism: 'dlm' },
      { target_id: 'snap-0dddd0000000000d4', mechanism: 'manual' },
    ]);
  });
});

describe('correlate: RDS', () => {
  it('a CopyDBSnapshot whose source snapshot was never seen takes its source from the ARN and its evidence from aws:rds:db-id', async () => {
    const store = await memoryStore();
    const key = KEY('us-west-2', A1, '66666666-6666-4666-8666-666666666666');
    await deliver(store, tempDir(), [
      copyDbSnapshot({
        at: '2026-03-02T12:00:00Z',
        region: 'us-west-2',
        account: A1,
        sourceArn: `arn:aws:rds:us-east-1:${A2}:snapshot:orders-2026-03-02`,
        target: 'orders-dr',
        dbi: 'db-ZI7UJ5BLKMBYFGX7FDENCKADC4',
        key,
      }),
      kms({
        at: '2026-03-02T14:00:00Z',
        name: 'GenerateDataKey',
        region: 'us-west-2',
        recipient: A1,
        key,
        ctx: { 'aws:rds:db-id': 'db-ZI7UJ5BLKMBYFGX7FDENCKADC4' },
        identity: { type: 'AWSService', invokedBy: 'rds.amazonaws.com' },
      }),
    ]);
    await correlate(store);
    expect(await copyRow(store, 'true')).toMatchObject({
      kind: 'rds_snapshot',
      source_id: 'orders-2026-03-02',
      source_region: 'us-east-1',
      source_account: A2,
      target_id: 'orders-dr',
      target_region: 'us-west-2',
      target_arn: `arn:aws:rds:us-west-2:${A1}:snapshot:orders-dr`,
      target_key_arn: key,
    });
    expect(await evidenceOf(store, 'orders-dr')).toEqual([`target:encryption_context:GenerateDataKey:${A1}`]);
  });
});
