// The copies a report must flag rather than count: a copy that fails at the API, and a share to
// an account outside the organization whose own trail we never see.
import type { Snapshot } from '../ebs.ts';
import { ACCOUNTS } from '../org.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

/** A copy that fails at the API: the snapshot id is wrong. */
export function failedCopy(s: Scene, day0: number): void {
  const p = s.p.devUser!;
  const src: Snapshot = {
    id: s.f.snapId(),
    region: 'us-east-1',
    account: p.account,
    contextId: s.f.volId(),
    key: s.keys.cmk('us-east-1', p.account.id),
  };
  s.ebs.copySnapshot({
    at: day0 + 14 * HOUR + s.rng.int(0, 3600) * 1000,
    copier: p,
    source: src,
    destRegion: 'eu-west-1',
    destKey: s.keys.cmk('eu-west-1', p.account.id),
    failWith: {
      code: 'Client.InvalidSnapshot.NotFound',
      message: `The snapshot '${src.id}' does not exist.`,
    },
  });
}

/**
 * A share to an account outside the organization, then that account copies the snapshot. Its
 * CopySnapshot is in its own trail, which we do not have: the owner sees the share, the
 * SharedSnapshotCopyInitiated service event and its key being used by the other account.
 */
export function externalShare(s: Scene, day0: number, vol: string): void {
  const owner = s.p.dataDr!;
  const key = s.keys.cmk('us-east-1', owner.account.id);
  const at = day0 + 16 * HOUR + s.rng.int(0, 1800) * 1000;
  const snap = s.ebs.createSnapshot(at, owner, 'us-east-1', vol, key);
  s.ebs.modifySnapshotAttribute(at + 3 * MIN, owner, snap, ACCOUNTS.external.id, 'add');
  const copyAt = at + s.rng.int(20, 50) * MIN;
  s.ebs.sharedSnapshotCopyInitiated(copyAt, snap, ACCOUNTS.external.id);
  s.emit(
    s.f.kmsCall({
      at: copyAt + 2000,
      name: 'CreateGrant',
      key,
      identity: {
        type: 'AWSAccount',
        principalId: s.p.externalActor!.principalId,
        accountId: ACCOUNTS.external.id,
        invokedBy: 'ec2.amazonaws.com',
      },
      via: 'ec2.amazonaws.com',
      recipient: owner.account.id,
      params: {
        keyId: key.arn,
        granteePrincipal: 'ec2.us-east-1.amazonaws.com',
        retiringPrincipal: 'ec2.us-east-1.amazonaws.com',
        operations: ['Decrypt', 'ReEncryptFrom'],
        constraints: { encryptionContextSubset: { 'aws:ebs:id': vol } },
      },
      response: { grantId: s.rng.hex(64), keyId: key.arn },
      sharedEventId: s.f.uuid(),
    }),
  );
  s.emit(
    s.f.kmsCall({
      at: copyAt + s.rng.int(30, 200) * 1000,
      name: 'Decrypt',
      key,
      identity: { type: 'AWSAccount', accountId: ACCOUNTS.external.id, invokedBy: 'ec2.amazonaws.com' },
      via: 'ec2.amazonaws.com',
      recipient: owner.account.id,
      params: { encryptionContext: { 'aws:ebs:id': vol }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      sharedEventId: s.f.uuid(),
    }),
  );
  // an RDS snapshot made restorable by the external account as well
  s.emit(
    s.f.apiCall({
      at: at + 40 * MIN,
      principal: s.p.dba!,
      source: 'rds.amazonaws.com',
      name: 'ModifyDBSnapshotAttribute',
      region: 'us-east-1',
      readOnly: false,
      params: {
        attributeName: 'restore',
        dBSnapshotIdentifier: 'orders-export',
        valuesToAdd: [ACCOUNTS.external.id],
      },
      response: {
        dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [ACCOUNTS.external.id] }],
        dBSnapshotIdentifier: 'orders-export',
      },
    }),
  );
}
