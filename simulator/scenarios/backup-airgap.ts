// AWS Backup beyond one account: a copy job into the vault account whose new recovery point only its
// CopyJobCompleted names (reference §4.2, §4.3), and copies into a logically air-gapped vault, which
// AWS Backup makes by sharing a temporary backup with the account it keeps such vaults in, then
// deleting the temporary backup. Record shapes of the Backup events are reconstructed (reference §8).
import type { Snapshot } from '../ebs.ts';
import { ACCOUNTS, type Key, type Principal } from '../org.ts';
import { javaDate } from '../records.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

/** The account AWS Backup keeps logically air-gapped vaults' recovery points in (not one of ours). */
export const BACKUP_SERVICE_ACCOUNT = '425730913046';
const AIRGAP_VAULT = 'airgap-vault';

/** A service-made call in one of its two identity styles: the role with invokedBy, or AWSService. */
function backupIdentity(s: Scene, role: Principal, at: number): Record<string, unknown> {
  return s.rng.chance(0.5)
    ? s.f.identity(role, at, 'backup.amazonaws.com')
    : s.f.serviceIdentity('backup.amazonaws.com');
}

/** The Backup service-linked role of an account, as the destination side of a cross-account copy runs. */
function backupLinkedRole(account: string, at: number): Record<string, unknown> {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/AWSServiceRoleForBackup/AWSBackup-AWSServiceRoleForBackup`,
    accountId: account,
    invokedBy: 'backup.amazonaws.com',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        arn: `arn:aws:iam::${account}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`,
        accountId: account,
        userName: 'AWSServiceRoleForBackup',
      },
      attributes: {
        creationDate: new Date(at - 10 * MIN).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        mfaAuthenticated: 'false',
      },
    },
  };
}

function jobEvent(
  s: Scene,
  at: number,
  name: string,
  region: string,
  account: string,
  details: Record<string, unknown>,
) {
  s.emit(
    s.f.serviceEvent({
      at,
      source: 'backup.amazonaws.com',
      name,
      region,
      recipient: account,
      identity: { accountId: account, invokedBy: 'backup.amazonaws.com' },
      details,
    }),
  );
}

function startCopyJob(
  s: Scene,
  at: number,
  by: Principal,
  point: string,
  fromVault: string,
  toVault: string,
): string {
  const copyJobId = s.f.uuid().toUpperCase();
  s.emit(
    s.f.apiCall({
      at,
      principal: by,
      source: 'backup.amazonaws.com',
      name: 'StartCopyJob',
      region: point.split(':')[3]!,
      readOnly: false,
      params: {
        recoveryPointArn: point,
        sourceBackupVaultName: fromVault,
        destinationBackupVaultArn: toVault,
        iamRoleArn: s.f.roleArnOf(s.p.backupRole!),
        idempotencyToken: s.f.uuid(),
        lifecycle: { deleteAfterDays: 35 },
      },
      response: { copyJobId, creationDate: javaDate(at), isParent: false },
    }),
  );
  return copyJobId;
}

/** The share AWS Backup makes of a snapshot for a copy, in either identity style. */
function backupShare(s: Scene, at: number, snap: Snapshot, to: string): void {
  const role = s.p.backupRole!;
  const rec = s.f.apiCall({
    at,
    principal: role,
    source: 'ec2.amazonaws.com',
    name: 'ModifySnapshotAttribute',
    region: snap.region,
    readOnly: false,
    params: {
      snapshotId: snap.id,
      attributeType: 'CREATE_VOLUME_PERMISSION',
      createVolumePermission: { add: { items: [{ userId: to }] } },
    },
    response: { _return: true },
  });
  s.emit({ ...rec, userIdentity: backupIdentity(s, role, at) });
}

/**
 * A person starts a copy job from prod-app's backup into the vault account's vault. The vault
 * account's Backup role makes the copy there: its data keys (under the vault's key, in the vault's
 * trail) and its reads of the source (under prod-app's key: in both trails) name the new snapshot,
 * which only the job's CopyJobCompleted names on the source side.
 */
export function backupCrossAccountJob(s: Scene, day0: number, vol: string): void {
  const role = s.p.backupRole!;
  const source = role.account.id;
  const vault = ACCOUNTS.vault.id;
  const region = 'us-east-1';
  const at = day0 + 8 * HOUR + s.rng.int(0, 1800) * 1000;
  const srcKey = s.keys.cmk(region, source, 'backup');
  const vaultKey: Key = s.keys.cmk(region, vault, 'backup');
  const snap = s.ebs.createSnapshot(at, role, region, vol, srcKey);
  const point = `arn:aws:ec2:${region}::snapshot/${snap.id}`;
  const destVault = `arn:aws:backup:${region}:${vault}:backup-vault:org-vault`;
  const jobAt = at + 30 * MIN;
  const copyJobId = startCopyJob(s, jobAt, s.p.drOperator!, point, 'prod-vault', destVault);
  backupShare(s, jobAt + 20_000, snap, vault);
  const details = {
    copyJobId,
    backupVaultName: 'prod-vault',
    sourceRecoveryPointArn: point,
    destinationBackupVaultArn: destVault,
    resourceType: 'EBS',
    resourceArn: `arn:aws:ec2:${region}:${source}:volume/${vol}`,
  };
  jobEvent(s, jobAt + 30_000, 'CopyJobStarted', region, source, { ...details, state: 'RUNNING' });
  const newSnap = s.f.snapId();
  const workAt = jobAt + s.rng.int(2, 10) * MIN;
  const linked = backupLinkedRole(vault, workAt);
  // the destination's write under the vault key, by the vault account's Backup role or the service
  s.emit(
    s.f.kmsCall({
      at: workAt,
      name: 'GenerateDataKeyWithoutPlaintext',
      key: vaultKey,
      identity: s.rng.chance(0.5) ? linked : s.f.serviceIdentity('backup.amazonaws.com'),
      via: 'backup.amazonaws.com',
      recipient: vault,
      params: { keyId: vaultKey.arn, encryptionContext: { 'aws:ebs:id': newSnap }, keySpec: 'AES_256' },
    }),
  );
  // its read of the source under prod-app's key: one record in each account's trail
  const shared = s.f.uuid();
  for (const recipient of [vault, source]) {
    s.emit(
      s.f.kmsCall({
        at: workAt + 5000,
        name: 'ReEncrypt',
        key: srcKey,
        identity: linked,
        via: 'backup.amazonaws.com',
        recipient,
        sharedEventId: shared,
        params: {
          sourceEncryptionContext: { 'aws:ebs:id': snap.contextId },
          destinationEncryptionContext: { 'aws:ebs:id': newSnap },
          destinationKeyId: vaultKey.arn,
        },
        resourcesOverride: [
          { accountId: srcKey.account, type: 'AWS::KMS::Key', ARN: srcKey.arn },
          { accountId: vaultKey.account, type: 'AWS::KMS::Key', ARN: vaultKey.arn },
        ],
      }),
    );
  }
  jobEvent(s, jobAt + s.rng.int(40, 120) * MIN, 'CopyJobCompleted', region, source, {
    ...details,
    state: 'COMPLETED',
    destinationRecoveryPointArn: `arn:aws:ec2:${region}::snapshot/${newSnap}`,
    creationDate: javaDate(jobAt),
  });
}

/** prod-app's logically air-gapped vault in us-west-2, created once. */
export function createAirgapVault(s: Scene, at: number): void {
  const p = s.p.drOperator!;
  const arn = `arn:aws:backup:us-west-2:${p.account.id}:backup-vault:${AIRGAP_VAULT}`;
  // shape inferred from the API reference (CreateLogicallyAirGappedBackupVault); no real record seen
  s.emit(
    s.f.apiCall({
      at,
      principal: p,
      source: 'backup.amazonaws.com',
      name: 'CreateLogicallyAirGappedBackupVault',
      region: 'us-west-2',
      readOnly: false,
      params: { backupVaultName: AIRGAP_VAULT, minRetentionDays: 7, maxRetentionDays: 90 },
      response: {
        backupVaultName: AIRGAP_VAULT,
        backupVaultArn: arn,
        creationDate: javaDate(at),
        vaultState: 'CREATING',
      },
    }),
  );
}

/**
 * The Backup role copies the volume's backup into us-west-2 as a temporary backup, a copy job takes
 * it into the air-gapped vault (AWS Backup shares it with its own account for that), and the
 * temporary backup is deleted: the vault's recovery point is the one restore point.
 */
export function airgapVaultCopy(s: Scene, day0: number, vol: string): void {
  const role = s.p.backupRole!;
  const account = role.account.id;
  const at = day0 + 9 * HOUR + s.rng.int(0, 1800) * 1000;
  const snap = s.ebs.createSnapshot(at, role, 'us-east-1', vol, s.keys.cmk('us-east-1', account, 'backup'));
  const temp = s.ebs.copySnapshot({
    at: at + 20 * MIN,
    copier: role,
    source: snap,
    destRegion: 'us-west-2',
    destKey: s.keys.cmk('us-west-2', account, 'backup'),
  });
  if (!temp) return;
  const point = `arn:aws:ec2:us-west-2::snapshot/${temp.id}`;
  const vaultArn = `arn:aws:backup:us-west-2:${account}:backup-vault:${AIRGAP_VAULT}`;
  const jobAt = at + 50 * MIN;
  const copyJobId = startCopyJob(s, jobAt, s.p.drOperator!, point, 'dr-vault', vaultArn);
  backupShare(s, jobAt + 15_000, temp, BACKUP_SERVICE_ACCOUNT);
  const details = {
    copyJobId,
    backupVaultName: 'dr-vault',
    sourceRecoveryPointArn: point,
    destinationBackupVaultArn: vaultArn,
    resourceType: 'EBS',
    resourceArn: `arn:aws:ec2:us-east-1:${account}:volume/${vol}`,
  };
  jobEvent(s, jobAt + 30_000, 'CopyJobStarted', 'us-west-2', account, { ...details, state: 'RUNNING' });
  const doneAt = jobAt + s.rng.int(30, 90) * MIN;
  jobEvent(s, doneAt, 'CopyJobCompleted', 'us-west-2', account, {
    ...details,
    state: 'COMPLETED',
    destinationRecoveryPointArn: `arn:aws:backup:us-west-2:${account}:recovery-point:${s.f.uuid().toUpperCase()}`,
    creationDate: javaDate(jobAt),
  });
  const deleteAt = doneAt + 10 * MIN;
  const rec = s.f.apiCall({
    at: deleteAt,
    principal: role,
    source: 'ec2.amazonaws.com',
    name: 'DeleteSnapshot',
    region: 'us-west-2',
    readOnly: false,
    params: { snapshotId: temp.id },
    response: { _return: true },
  });
  s.emit({ ...rec, userIdentity: backupIdentity(s, role, deleteAt) });
}
