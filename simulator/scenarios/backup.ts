// AWS Backup copy jobs: the backup role's own snapshot and copy calls between the service events
// that describe the job (reference §4.2, §4.3).
import { javaDate } from '../records.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

/** AWS Backup: the backup role snapshots and copies (no StartCopyJob with a plan), with job events. */
export function backupPlanCopy(s: Scene, day0: number, vol: string): void {
  const role = s.p.backupRole!;
  const account = role.account.id;
  const at = day0 + 4 * HOUR + s.rng.int(0, 1800) * 1000;
  const vaultKey = s.keys.cmk('us-east-1', account, 'backup');
  const volumeArn = `arn:aws:ec2:us-east-1:${account}:volume/${vol}`;
  // job events are the service's own, in the source region and account
  const jobEvent = (eventAt: number, name: string, details: Record<string, unknown>) =>
    s.emit(
      s.f.serviceEvent({
        at: eventAt,
        source: 'backup.amazonaws.com',
        name,
        region: 'us-east-1',
        recipient: account,
        identity: { accountId: account, invokedBy: 'backup.amazonaws.com' },
        details,
      }),
    );
  jobEvent(at - MIN, 'BackupJobStarted', {
    backupJobId: s.f.uuid().toUpperCase(),
    backupVaultName: 'prod-vault',
    resourceArn: volumeArn,
    resourceType: 'EBS',
    state: 'CREATED',
  });
  const snap = s.ebs.createSnapshot(at, role, 'us-east-1', vol, vaultKey);
  const copyJobId = s.f.uuid().toUpperCase();
  const copyAt = at + 40 * MIN;
  const destVault = `arn:aws:backup:us-west-2:${account}:backup-vault:dr-vault`;
  const sourceRp = `arn:aws:ec2:us-east-1::snapshot/${snap.id}`;
  jobEvent(copyAt - 30_000, 'CopyJobStarted', {
    copyJobId,
    state: 'RUNNING',
    backupVaultName: 'prod-vault',
    sourceRecoveryPointArn: sourceRp,
    destinationBackupVaultArn: destVault,
    resourceType: 'EBS',
    resourceArn: volumeArn,
  });
  const copy = s.ebs.copySnapshot({
    at: copyAt,
    copier: role,
    source: snap,
    destRegion: 'us-west-2',
    destKey: s.keys.cmk('us-west-2', account, 'backup'),
  });
  if (copy) {
    jobEvent(copyAt + s.rng.int(20, 90) * MIN, 'CopyJobCompleted', {
      copyJobId,
      state: 'COMPLETED',
      backupVaultName: 'prod-vault',
      sourceRecoveryPointArn: sourceRp,
      destinationBackupVaultArn: destVault,
      destinationRecoveryPointArn: `arn:aws:ec2:us-west-2::snapshot/${copy.id}`,
      resourceType: 'EBS',
      resourceArn: volumeArn,
      creationDate: javaDate(copyAt),
    });
  }
}
