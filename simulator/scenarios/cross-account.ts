// Cross-account copies inside the organization: a data account shares a snapshot with the vault
// account, which copies it under its own key (reference §2.4) and keeps a second copy elsewhere.
import { ACCOUNTS } from '../org.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

/** prod-data shares a snapshot with the vault account, which copies it under its own key. */
export function vaultCrossAccount(s: Scene, day0: number, vol: string): void {
  const owner = s.p.dataDr!;
  const region = 'eu-west-1';
  const srcKey = s.keys.cmk(region, owner.account.id);
  const at = day0 + 1 * HOUR + s.rng.int(0, 1200) * 1000;
  const snap = s.ebs.createSnapshot(at, owner, region, vol, srcKey);
  s.ebs.modifySnapshotAttribute(at + 2 * MIN, owner, snap, ACCOUNTS.vault.id, 'add');
  const copyAt = at + 10 * MIN + s.rng.int(0, 300) * 1000;
  const copy = s.ebs.copySnapshot({
    at: copyAt,
    copier: s.p.vaultCopier!,
    source: snap,
    destRegion: region,
    destKey: s.keys.cmk(region, ACCOUNTS.vault.id, 'backup'),
    keyRef: 'alias',
    reEncryptSameRegion: true,
  });
  s.ebs.sharedSnapshotCopyInitiated(copyAt + s.rng.int(1, 20) * 1000, snap, ACCOUNTS.vault.id);
  s.ebs.modifySnapshotAttribute(copyAt + 2 * HOUR, owner, snap, ACCOUNTS.vault.id, 'remove');
  // the vault keeps a second copy in its DR region: a chain across two accounts
  if (copy) {
    s.ebs.copySnapshot({
      at: copyAt + 4 * HOUR,
      copier: s.p.vaultCopier!,
      source: copy,
      destRegion: 'eu-central-1',
      destKey: s.keys.cmk('eu-central-1', ACCOUNTS.vault.id, 'backup'),
    });
  }
}
