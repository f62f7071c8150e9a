// Logically air-gapped vaults in the reports: AWS Backup's share of a recovery point to its own
// account, made for a copy job into such a vault, is classed aws_backup_airgap and not flagged, while
// a share by anyone else (or by Backup for a vault that is not air-gapped) stays flagged; and the
// temporary backup Backup deletes once it is in the vault is no restore point for DR coverage.
import { describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { createSnapshot, deliver } from '../correlate/fixtures.ts';
import { A1, call, keyArn, kms, serviceEvent } from '../correlate/rules/fixture.ts';
import { tempDir } from '../helpers.ts';
import { heartbeat, OUTSIDER } from './scenario.ts';

/** The account AWS Backup keeps an air-gapped vault's recovery points in (any id: nothing trusts it by id). */
const BACKUP_SERVICE_ACCOUNT = '555566667777';
const VOL = 'vol-0a1a0000000000001';
const TEMP = 'snap-0a1a0000000000002';
const OTHER = 'snap-0a1a0000000000003';
const WEST_KEY = keyArn('us-west-2', A1, '99999999-9999-4999-8999-999999999999');
const LAG_VAULT = `arn:aws:backup:us-west-2:${A1}:backup-vault:airgap-vault`;
const PLAIN_VAULT = `arn:aws:backup:us-west-2:${A1}:backup-vault:plain-vault`;
const RECOVERY_POINT = `arn:aws:backup:us-west-2:${A1}:recovery-point:0F1E2D3C-4B5A-4968-8776-655443322110`;
const UNTIL = '2026-03-03T00:00:00Z';

/** The Backup role, as AWS Backup assumes it (reference §4.3). */
const backupRole = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${A1}:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-AWSBackupDefaultServiceRole`,
  accountId: A1,
  invokedBy: 'backup.amazonaws.com',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      arn: `arn:aws:iam::${A1}:role/service-role/AWSBackupDefaultServiceRole`,
      accountId: A1,
    },
  },
};

const shareSnapshot = (
  id: string,
  at: string,
  snap: string,
  to: string,
  identity?: Record<string, unknown>,
) =>
  call({
    id,
    at,
    source: 'ec2.amazonaws.com',
    name: 'ModifySnapshotAttribute',
    region: 'us-west-2',
    account: A1,
    identity,
    rp: {
      snapshotId: snap,
      attributeType: 'CREATE_VOLUME_PERMISSION',
      createVolumePermission: { add: { items: [{ userId: to }] } },
    },
    re: { _return: true },
  });

function records(jobState: 'COMPLETED' | 'FAILED') {
  return [
    // shape inferred from the API reference (CreateLogicallyAirGappedBackupVault); no real record seen
    call({
      id: 'lag-vault',
      at: '2026-03-01T00:00:00Z',
      source: 'backup.amazonaws.com',
      name: 'CreateLogicallyAirGappedBackupVault',
      region: 'us-west-2',
      account: A1,
      rp: { backupVaultName: 'airgap-vault', minRetentionDays: 7, maxRetentionDays: 35 },
      re: { backupVaultName: 'airgap-vault', backupVaultArn: LAG_VAULT, vaultState: 'CREATING' },
    }),
    createSnapshot('2026-03-02T08:00:00Z', 'us-east-1', A1, VOL, 'snap-0a1a0000000000001', WEST_KEY),
    // the temporary backup: the Backup role's copy into the DR region's standard vault
    call({
      id: 'lag-temp-copy',
      at: '2026-03-02T09:00:00Z',
      source: 'ec2.amazonaws.com',
      name: 'CopySnapshot',
      region: 'us-west-2',
      account: A1,
      identity: backupRole,
      rp: { sourceRegion: 'us-east-1', sourceSnapshotId: 'snap-0a1a0000000000001', kmsKeyId: WEST_KEY },
      re: { snapshotId: TEMP },
    }),
    kms({
      id: 'lag-temp-gdk',
      at: '2026-03-02T09:00:20Z',
      name: 'GenerateDataKeyWithoutPlaintext',
      region: 'us-west-2',
      account: A1,
      key: WEST_KEY,
      ctx: { 'aws:ebs:id': TEMP },
      invokedBy: 'backup.amazonaws.com',
    }),
    call({
      id: 'lag-job',
      at: '2026-03-02T10:00:00Z',
      source: 'backup.amazonaws.com',
      name: 'StartCopyJob',
      region: 'us-west-2',
      account: A1,
      identity: backupRole,
      rp: {
        recoveryPointArn: `arn:aws:ec2:us-west-2::snapshot/${TEMP}`,
        sourceBackupVaultName: 'plain-vault',
        destinationBackupVaultArn: LAG_VAULT,
      },
      re: { copyJobId: 'JOB-LAG' },
    }),
    // AWS Backup shares the temporary backup with its own account for the vault (AWSService style)
    shareSnapshot('lag-share-backup', '2026-03-02T10:00:30Z', TEMP, BACKUP_SERVICE_ACCOUNT, {
      type: 'AWSService',
      invokedBy: 'backup.amazonaws.com',
    }),
    // a person shares the same snapshot with an outside account at the same time
    shareSnapshot('lag-share-person', '2026-03-02T10:05:00Z', TEMP, OUTSIDER),
    // the Backup role shares a snapshot no air-gapped job copies
    shareSnapshot('lag-share-other', '2026-03-02T10:06:00Z', OTHER, BACKUP_SERVICE_ACCOUNT, backupRole),
    serviceEvent({
      id: 'lag-other-job',
      at: '2026-03-02T10:06:30Z',
      source: 'backup.amazonaws.com',
      name: 'CopyJobStarted',
      region: 'us-west-2',
      account: A1,
      actor: A1,
      details: {
        copyJobId: 'JOB-PLAIN',
        state: 'RUNNING',
        sourceRecoveryPointArn: `arn:aws:ec2:us-west-2::snapshot/${OTHER}`,
        destinationBackupVaultArn: PLAIN_VAULT,
      },
    }),
    serviceEvent({
      id: 'lag-job-done',
      at: '2026-03-02T10:40:00Z',
      source: 'backup.amazonaws.com',
      name: 'CopyJobCompleted',
      region: 'us-west-2',
      account: A1,
      actor: A1,
      details: {
        copyJobId: 'JOB-LAG',
        state: jobState,
        sourceRecoveryPointArn: `arn:aws:ec2:us-west-2::snapshot/${TEMP}`,
        destinationBackupVaultArn: LAG_VAULT,
        ...(jobState === 'COMPLETED' ? { destinationRecoveryPointArn: RECOVERY_POINT } : {}),
      },
    }),
    // the temporary backup is deleted once in the vault
    call({
      id: 'lag-temp-delete',
      at: '2026-03-02T11:00:00Z',
      source: 'ec2.amazonaws.com',
      name: 'DeleteSnapshot',
      region: 'us-west-2',
      account: A1,
      identity: backupRole,
      rp: { snapshotId: TEMP },
      re: { _return: true },
    }),
    ...['2026-03-01T12:00:00Z', '2026-03-02T12:00:00Z', '2026-03-02T23:00:00Z'].flatMap((at) => [
      heartbeat(at, 'us-west-2', A1),
      heartbeat(at, 'us-east-1', A1),
    ]),
  ];
}

const CONFIG = Config.parse({
  organization: 'Test Org',
  residency: { allowed_partitions: ['aws'] },
  dr: {
    requirements: [
      // an air-gapped vault's recovery point is under the vault's key, which no record here names
      {
        id: 'vol_west',
        select: { resource_ids: [VOL] },
        dr_regions: ['us-west-2'],
        rpo: '24h',
        key: { customer_managed: false, owned_by_dr_account: false },
      },
    ],
  },
  reports: { chromium: process.env.COPYTRAIL_CHROMIUM ?? 'bundled' },
});

async function built(jobState: 'COMPLETED' | 'FAILED') {
  const store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
  await deliver(store, tempDir(), records(jobState));
  await correlate(store);
  const report = (id: 'residency' | 'dr_coverage') =>
    generateReport(store, {
      id,
      config: CONFIG,
      formats: ['json'],
      out: tempDir(),
      until: UNTIL,
      now: new Date(UNTIL),
    });
  return { store, report };
}

type ShareOut = { event_id: string; recipient_class: string | null; trusted: string; status: string };
type DrOut = { requirement: string; status: string; copy_id: string | null; reason: string };

describe('logically air-gapped vaults', () => {
  it("AWS Backup's share for a copy job into an air-gapped vault is aws_backup_airgap and passes; a person's share of the same snapshot, and Backup's for a plain vault, stay flagged", async () => {
    const { store, report } = await built('COMPLETED');
    try {
      const shares = (await report('residency')).model.shares as ShareOut[];
      const byId = new Map(shares.map((s) => [s.event_id, s]));
      expect(byId.get('lag-share-backup')).toMatchObject({
        recipient_class: 'aws_backup_airgap',
        status: 'pass',
      });
      expect(byId.get('lag-share-person')).toMatchObject({ recipient_class: 'account', status: 'fail' });
      expect(byId.get('lag-share-other')).toMatchObject({ recipient_class: 'account', status: 'fail' });
    } finally {
      store.close();
    }
  });

  it('DR coverage counts the copy in the vault once: the deleted temporary backup is no restore point', async () => {
    const { store, report } = await built('COMPLETED');
    try {
      const rows = (await report('dr_coverage')).model.rows as DrOut[];
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ requirement: 'vol_west', status: 'pass', copy_id: 'lag-job' });
    } finally {
      store.close();
    }
  });

  it('with the copy into the vault failed, the deleted temporary backup does not make the requirement pass', async () => {
    const { store, report } = await built('FAILED');
    try {
      const rows = (await report('dr_coverage')).model.rows as DrOut[];
      expect(rows[0]).toMatchObject({ requirement: 'vol_west', status: 'fail', copy_id: null });
    } finally {
      store.close();
    }
  });
});
