// Volume copies and what travels with snapshots' keys: a Kubernetes volume clone by the EBS CSI
// driver (CopyVolumes, same account, no snapshot), a volume shared through AWS RAM and copied by the
// vault account, one shared with and copied by an account outside the organization (only the
// owner's side is ours), and keys associated with a snapshot (AssociateKmsKeyId), one of them in a
// region outside the EU. CopyVolumes, SharedVolumeCopyInitiated, the RAM calls and the key
// association calls have no real record in the reference: their shapes are inferred from the API
// references (see correlate/rules/ebs_copy_volumes.ts and queries/correlate/); the KMS records
// follow the real EBS ones (reference §5.2), in both identity styles.
import type { Snapshot } from '../ebs.ts';
import { ACCOUNTS, type Key, type Principal } from '../org.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

interface Volume {
  id: string;
  region: string;
  owner: Principal;
  key: Key;
}

/** Which identity style EBS uses for a KMS call made for the caller this time (both are documented). */
function ebsIdentity(s: Scene, caller: Principal, at: number): Record<string, unknown> {
  return s.rng.chance(0.5)
    ? s.f.identity(caller, at, 'ec2-frontend-api.amazonaws.com')
    : s.f.serviceIdentity('ec2-frontend-api.amazonaws.com');
}

const volumeArn = (v: Volume) => `arn:aws:ec2:${v.region}:${v.owner.account.id}:volume/${v.id}`;

/**
 * CopyVolumes: the call in the copier's trail, a data key for the new volume under the copy's key,
 * a grant and a grantee Decrypt on the source volume's key, each logged for the key's owner too when
 * it is another account (same sharedEventID), and the owner's SharedVolumeCopyInitiated.
 */
function copyVolume(
  s: Scene,
  at: number,
  copier: Principal,
  source: Volume,
  destKey: Key,
  byArn: boolean,
): string {
  const copierAcct = copier.account.id;
  const newVol = s.f.volId();
  const requestId = s.f.uuid();
  const named = destKey.arn !== source.key.arn;
  s.emit(
    s.f.apiCall({
      at,
      principal: copier,
      source: 'ec2.amazonaws.com',
      name: 'CopyVolumes',
      region: source.region,
      requestId,
      readOnly: false,
      params: {
        sourceVolumeId: byArn ? volumeArn(source) : source.id,
        volumeType: 'gp3',
        size: 100,
        ...(named ? { kmsKeyId: destKey.arn } : {}),
        tagSpecificationSet: {
          items: [{ resourceType: 'volume', tags: [{ key: 'copied-from', value: source.id }] }],
        },
      },
      response: {
        requestId,
        volumeSet: {
          items: [
            {
              volumeId: newVol,
              size: 100,
              availabilityZone: `${source.region}a`,
              status: 'creating',
              createTime: at,
              volumeType: 'gp3',
              encrypted: true,
              kmsKeyId: destKey.arn,
              sourceVolumeId: source.id,
            },
          ],
        },
      },
    }),
  );
  s.emit(
    s.f.kmsCall({
      at: at + 1000,
      name: 'GenerateDataKeyWithoutPlaintext',
      key: destKey,
      identity: ebsIdentity(s, copier, at),
      via: 'ec2-frontend-api.amazonaws.com',
      recipient: copierAcct,
      params: { encryptionContext: { 'aws:ebs:id': newVol }, numberOfBytes: 64, keyId: destKey.arn },
      requestId: s.rng.chance(0.5) ? requestId : undefined,
      sharedEventId: s.f.uuid(),
    }),
  );
  const crossAccount = source.key.account !== copierAcct;
  const trails = crossAccount ? [copierAcct, source.key.account] : [copierAcct];
  const grantShared = s.f.uuid();
  const grantId = s.rng.hex(64);
  const decryptShared = s.f.uuid();
  const decryptAt = at + s.rng.int(5, 120) * 1000;
  for (const recipient of trails) {
    s.emit(
      s.f.kmsCall({
        at: at + 2000,
        name: 'CreateGrant',
        key: source.key,
        identity:
          recipient === copierAcct
            ? ebsIdentity(s, copier, at)
            : { type: 'AWSAccount', accountId: copierAcct, invokedBy: 'ec2.amazonaws.com' },
        via: 'ec2-frontend-api.amazonaws.com',
        recipient,
        params: {
          keyId: source.key.arn,
          granteePrincipal: `ec2.${source.region}.amazonaws.com`,
          retiringPrincipal: `ec2.${source.region}.amazonaws.com`,
          operations: ['Decrypt', 'ReEncryptFrom', 'DescribeKey'],
          constraints: { encryptionContextSubset: { 'aws:ebs:id': source.id } },
        },
        response: { grantId, keyId: source.key.arn },
        requestId: recipient === copierAcct ? requestId : undefined,
        sharedEventId: grantShared,
      }),
    );
    s.emit(
      s.f.kmsCall({
        at: decryptAt,
        name: 'Decrypt',
        key: source.key,
        identity: s.f.serviceIdentity('ec2.amazonaws.com'),
        via: 'ec2.amazonaws.com',
        recipient,
        params: { encryptionContext: { 'aws:ebs:id': source.id }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        sharedEventId: decryptShared,
      }),
    );
  }
  if (crossAccount) {
    s.emit(
      s.f.serviceEvent({
        at: at + s.rng.int(1, 20) * 1000,
        source: 'ec2.amazonaws.com',
        name: 'SharedVolumeCopyInitiated',
        region: source.region,
        recipient: source.owner.account.id,
        identity: s.rng.chance(0.5)
          ? { type: 'AWSAccount', accountId: copierAcct, invokedBy: 'ec2.amazonaws.com' }
          : { accountId: copierAcct, invokedBy: 'ec2.amazonaws.com' },
        details: { volumeId: source.id },
        sharedEventId: s.f.uuid(),
      }),
    );
  }
  return newVol;
}

/** A RAM call by the owner naming volumes and principals (JSON API: members as the API names them). */
function ram(
  s: Scene,
  at: number,
  owner: Principal,
  region: string,
  name: 'CreateResourceShare' | 'AssociateResourceShare' | 'DisassociateResourceShare',
  share: string,
  rp: Record<string, unknown>,
): void {
  const association = (entity: string, type: string) => ({
    resourceShareArn: share,
    associatedEntity: entity,
    associationType: type,
    status: name === 'DisassociateResourceShare' ? 'DISASSOCIATING' : 'ASSOCIATING',
    external: false,
  });
  const entities = [
    ...((rp.resourceArns as string[] | undefined) ?? []).map((r) => association(r, 'RESOURCE')),
    ...((rp.principals as string[] | undefined) ?? []).map((p) => association(p, 'PRINCIPAL')),
  ];
  const clientToken = s.f.uuid();
  s.emit(
    s.f.apiCall({
      at,
      principal: owner,
      source: 'ram.amazonaws.com',
      name,
      region,
      readOnly: false,
      params:
        name === 'CreateResourceShare'
          ? { ...rp, clientToken }
          : { resourceShareArn: share, ...rp, clientToken },
      response:
        name === 'CreateResourceShare'
          ? {
              resourceShare: {
                resourceShareArn: share,
                name: rp.name,
                owningAccountId: owner.account.id,
                allowExternalPrincipals: rp.allowExternalPrincipals ?? false,
                status: 'ACTIVE',
              },
              clientToken,
            }
          : { resourceShareAssociations: entities, clientToken },
    }),
  );
}

const driverRoles = new WeakMap<Scene, Principal>();
/** The EBS CSI driver's IRSA role in the dev account (its session name is a timestamp). */
function csiDriver(s: Scene): Principal {
  let p = driverRoles.get(s);
  if (!p) {
    p = {
      kind: 'role',
      account: ACCOUNTS.dev,
      roleName: 'AmazonEKS_EBS_CSI_DriverRole',
      session: String(1_772_000_000_000_000_000n + BigInt(s.rng.int(0, 1_000_000))),
      principalId: `AROA${s.rng.alnum(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
      accessKeyPrefix: 'ASIA',
    };
    driverRoles.set(s, p);
  }
  return p;
}

/** A Kubernetes PersistentVolumeClaim cloned from another: CopyVolumes by the CSI driver's role. */
export function csiVolumeClone(s: Scene, day0: number): void {
  const driver = csiDriver(s);
  const region = 'us-west-2';
  const key = s.keys.cmk(region, driver.account.id);
  const at = day0 + 11 * HOUR + s.rng.int(0, 3600) * 1000;
  const source: Volume = { id: s.ebs.createVolume(at, driver, region, key), region, owner: driver, key };
  copyVolume(s, at + s.rng.int(20, 120) * MIN, driver, source, key, false);
}

/** prod-data shares a volume with the vault account through RAM; the vault copies it under its key. */
export function ramVolumeCopy(s: Scene, day0: number): void {
  const owner = s.p.dataDr!;
  const region = 'eu-west-1';
  const key = s.keys.cmk(region, owner.account.id);
  const at = day0 + 7 * HOUR + s.rng.int(0, 1800) * 1000;
  const source: Volume = { id: s.ebs.createVolume(at, owner, region, key), region, owner, key };
  const share = `arn:aws:ram:${region}:${owner.account.id}:resource-share/${s.f.uuid()}`;
  ram(s, at + 5 * MIN, owner, region, 'CreateResourceShare', share, {
    name: `vault-${source.id}`,
    resourceArns: [volumeArn(source)],
    principals: [ACCOUNTS.vault.id],
    allowExternalPrincipals: false,
  });
  const copier = s.p.vaultCopier!;
  copyVolume(
    s,
    at + 20 * MIN,
    copier,
    source,
    s.keys.cmk(region, ACCOUNTS.vault.id, 'backup'),
    s.rng.chance(0.5),
  );
  ram(s, at + 2 * HOUR, owner, region, 'DisassociateResourceShare', share, {
    principals: [ACCOUNTS.vault.id],
  });
}

/**
 * prod-data shares a volume with an account outside the organization, which copies it: its CopyVolumes
 * is in its own trail, which we do not have; the owner sees the share, the SharedVolumeCopyInitiated
 * and its key used by the other account.
 */
export function externalVolumeCopy(s: Scene, day0: number): void {
  const owner = s.p.dataDr!;
  const region = 'eu-west-1';
  const key = s.keys.cmk(region, owner.account.id);
  const at = day0 + 18 * HOUR + s.rng.int(0, 1800) * 1000;
  const source: Volume = { id: s.ebs.createVolume(at, owner, region, key), region, owner, key };
  ram(
    s,
    at + 4 * MIN,
    owner,
    region,
    'CreateResourceShare',
    `arn:aws:ram:${region}:${owner.account.id}:resource-share/${s.f.uuid()}`,
    {
      name: 'partner-import',
      resourceArns: [volumeArn(source)],
      principals: [ACCOUNTS.external.id],
      allowExternalPrincipals: true,
    },
  );
  const outsider = s.p.externalActor!;
  copyVolume(s, at + 30 * MIN, outsider, source, s.keys.cmk(region, outsider.account.id), true);
}

/** Keys associated with a snapshot (AssociateKmsKeyId), one in a US region, and one later removed. */
export function associatedKeys(s: Scene, day0: number, vol: string): void {
  const owner = s.p.dataDr!;
  const region = 'eu-west-1';
  const at = day0 + 13 * HOUR + s.rng.int(0, 1800) * 1000;
  const snap: Snapshot = s.ebs.createSnapshot(at, owner, region, vol, s.keys.cmk(region, owner.account.id));
  const call = (t: number, name: 'AssociateKmsKeyId' | 'DisassociateKmsKeyId', key: string) => {
    const requestId = s.f.uuid();
    s.emit(
      s.f.apiCall({
        at: t,
        principal: owner,
        source: 'ec2.amazonaws.com',
        name,
        region,
        requestId,
        readOnly: false,
        params: { snapshotId: snap.id, kmsKeyId: key },
        response: { requestId, _return: true },
      }),
    );
  };
  const partnerKey = s.keys.cmk('eu-central-1', owner.account.id, 'app');
  call(at + 5 * MIN, 'AssociateKmsKeyId', partnerKey.arn);
  // a key in us-east-1: the snapshot's data can now be opened from outside the EU
  call(at + 8 * MIN, 'AssociateKmsKeyId', s.keys.cmk('us-east-1', owner.account.id).arn);
  call(at + 3 * HOUR, 'DisassociateKmsKeyId', partnerKey.arn);
}
