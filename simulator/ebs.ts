// The EBS calls that copy scenarios and everyday noise are built from, with the KMS records each
// one causes (reference §2, §5.3): volumes, snapshots, copies, shares and the owner-side copy event.
// KMS records land in the key's region and the caller's trail, plus the key owner's for another
// account's key; both documented identity styles of EBS's KMS calls appear.
import type { Account, Key, Principal } from './org.ts';
import type { Rng } from './random.ts';
import type { Emit, RecordFactory } from './records.ts';

const MIN = 60_000;

export interface Snapshot {
  id: string;
  region: string;
  account: Account;
  /** The aws:ebs:id its KMS records carry: the volume for CreateSnapshot, its own id for a copy. */
  contextId: string;
  key: Key;
}

export class Ebs {
  constructor(
    private readonly rng: Rng,
    private readonly f: RecordFactory,
    private readonly emit: Emit,
  ) {}

  /** Which identity style EBS uses for its KMS calls this time (both are documented). */
  private ebsKmsIdentity(caller: Principal, at: number): Record<string, unknown> {
    return this.rng.chance(0.5)
      ? this.f.identity(caller, at, 'ec2-frontend-api.amazonaws.com')
      : this.f.serviceIdentity('ec2-frontend-api.amazonaws.com');
  }

  createVolume(at: number, principal: Principal, region: string, key: Key): string {
    const vol = this.f.volId();
    const requestId = this.f.uuid();
    this.emit(
      this.f.apiCall({
        at,
        principal,
        source: 'ec2.amazonaws.com',
        name: 'CreateVolume',
        region,
        requestId,
        readOnly: false,
        params: { size: 100, zone: `${region}a`, volumeType: 'gp3', encrypted: true, kmsKeyId: key.arn },
        response: {
          requestId,
          volumeId: vol,
          size: '100',
          zone: `${region}a`,
          status: 'creating',
          createTime: at,
          volumeType: 'gp3',
          encrypted: true,
          kmsKeyId: key.arn,
        },
      }),
    );
    this.emit(
      this.f.kmsCall({
        at: at + 1000,
        name: 'GenerateDataKeyWithoutPlaintext',
        key,
        identity: this.ebsKmsIdentity(principal, at),
        via: 'ec2-frontend-api.amazonaws.com',
        recipient: principal.account.id,
        params: { encryptionContext: { 'aws:ebs:id': vol }, numberOfBytes: 64, keyId: key.arn },
        sharedEventId: this.f.uuid(),
      }),
    );
    return vol;
  }

  createSnapshot(at: number, principal: Principal, region: string, vol: string, key: Key): Snapshot {
    const snap = this.f.snapId();
    const requestId = this.f.uuid();
    this.emit(
      this.f.apiCall({
        at,
        principal,
        source: 'ec2.amazonaws.com',
        name: 'CreateSnapshot',
        region,
        requestId,
        readOnly: false,
        params: {
          volumeId: vol,
          description:
            principal.kind === 'backup_role'
              ? 'This snapshot is created by the AWS Backup service.'
              : 'nightly',
          tagSpecificationSet: {
            items: [{ resourceType: 'snapshot', tags: [{ key: 'app', value: 'orders' }] }],
          },
        },
        response: {
          requestId,
          snapshotId: snap,
          volumeId: vol,
          status: 'pending',
          startTime: at,
          progress: '',
          ownerId: principal.account.id,
          volumeSize: '100',
          encrypted: true,
          kmsKeyId: key.arn,
          tagSet: { items: [{ key: 'app', value: 'orders' }] },
        },
      }),
    );
    return { id: snap, region, account: principal.account, contextId: vol, key };
  }

  /**
   * EBS CopySnapshot: the call lands in the destination region and the copier's account. The
   * destination key gets DescribeKey + GenerateDataKeyWithoutPlaintext (context: the new snapshot);
   * the source key gets a grant and grantee Decrypts (context: the source's own context id), and a
   * RetireGrant when the background copy finishes.
   */
  copySnapshot(args: {
    at: number;
    copier: Principal;
    source: Snapshot;
    destRegion: string;
    destKey: Key;
    keyRef?: 'arn' | 'alias' | 'id';
    failWith?: { code: string; message: string };
    reEncryptSameRegion?: boolean;
  }): Snapshot | null {
    const { at, copier, source, destRegion, destKey } = args;
    const newSnap = this.f.snapId();
    const requestId = this.f.uuid();
    const keyRef = args.keyRef ?? 'arn';
    const kmsKeyId = keyRef === 'alias' ? destKey.alias : keyRef === 'id' ? destKey.keyId : destKey.arn;
    const crossRegion = source.region !== destRegion;
    this.emit(
      this.f.apiCall({
        at,
        principal: copier,
        source: 'ec2.amazonaws.com',
        name: 'CopySnapshot',
        region: destRegion,
        requestId,
        readOnly: false,
        error: args.failWith,
        params: {
          sourceRegion: source.region,
          sourceSnapshotId: source.id,
          description: `[Copied ${source.id} from ${source.region}]`,
          ...(crossRegion
            ? { destinationRegion: destRegion, presignedUrl: 'HIDDEN_DUE_TO_SECURITY_REASONS' }
            : {}),
          encrypted: true,
          kmsKeyId,
        },
        response: { requestId, snapshotId: newSnap, tagSet: { items: [] } },
      }),
    );
    if (args.failWith) return null;
    const copierAcct = copier.account.id;
    const caller = (t: number) => this.ebsKmsIdentity(copier, t);
    // destination side: validate the key, then a data key for the new snapshot
    this.emit(
      this.f.kmsCall({
        at: at + 1000,
        name: 'DescribeKey',
        key: destKey,
        identity: caller(at),
        via: 'ec2-frontend-api.amazonaws.com',
        recipient: copierAcct,
        params: { keyId: kmsKeyId },
        requestId,
      }),
    );
    const sameRegionReEncrypt = !crossRegion && (args.reEncryptSameRegion ?? source.key.arn !== destKey.arn);
    const crossAccountSource = source.key.account !== copierAcct;
    if (sameRegionReEncrypt) {
      // one ReEncrypt from the source key to the destination key, logged for the caller and, when
      // the source key is another account's, for the key owner too (same sharedEventID)
      const shared = this.f.uuid();
      const rec = (recipient: string) =>
        this.f.kmsCall({
          at: at + this.rng.int(2, 9) * 1000,
          name: 'ReEncrypt',
          key: source.key,
          identity:
            crossAccountSource && recipient !== copierAcct
              ? {
                  type: 'AWSAccount',
                  principalId: `${copier.principalId}:${copier.session}`,
                  accountId: copierAcct,
                  invokedBy: 'ec2.amazonaws.com',
                }
              : caller(at),
          via: 'ec2-frontend-api.amazonaws.com',
          recipient,
          params: {
            sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
            sourceEncryptionContext: { 'aws:ebs:id': source.contextId },
            destinationKeyId: destKey.arn,
            destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
            destinationEncryptionContext: { 'aws:ebs:id': newSnap },
          },
          sharedEventId: shared,
          requestId: this.rng.chance(0.5) ? requestId : undefined,
          resourcesOverride: [
            { accountId: source.key.account, type: 'AWS::KMS::Key', ARN: source.key.arn },
            { accountId: destKey.account, type: 'AWS::KMS::Key', ARN: destKey.arn },
          ],
        });
      this.emit(rec(copierAcct));
      if (crossAccountSource) this.emit(rec(source.key.account));
    } else {
      this.emit(
        this.f.kmsCall({
          at: at + this.rng.int(1, 6) * 1000,
          name: 'GenerateDataKeyWithoutPlaintext',
          key: destKey,
          identity: caller(at),
          via: 'ec2-frontend-api.amazonaws.com',
          recipient: copierAcct,
          params: { encryptionContext: { 'aws:ebs:id': newSnap }, numberOfBytes: 64, keyId: destKey.arn },
          requestId: this.rng.chance(0.6) ? requestId : undefined,
          sharedEventId: this.f.uuid(),
        }),
      );
    }
    // source side: a grant on the source key, then the grantee's Decrypt of the source data key
    const grantShared = this.f.uuid();
    const grantId = this.rng.hex(64);
    const grant = (recipient: string) =>
      this.f.kmsCall({
        at: at + 2000,
        name: 'CreateGrant',
        key: source.key,
        identity:
          recipient === copierAcct ? caller(at) : { accountId: copierAcct, invokedBy: 'ec2.amazonaws.com' },
        via: 'ec2-frontend-api.amazonaws.com',
        recipient,
        params: {
          keyId: source.key.arn,
          granteePrincipal: `ec2.${source.region}.amazonaws.com`,
          retiringPrincipal: `ec2.${source.region}.amazonaws.com`,
          operations: ['Decrypt', 'ReEncryptFrom', 'DescribeKey'],
          constraints: { encryptionContextSubset: { 'aws:ebs:id': source.contextId } },
        },
        response: { grantId, keyId: source.key.arn },
        requestId,
        sharedEventId: grantShared,
      });
    this.emit(grant(copierAcct));
    if (crossAccountSource) this.emit(grant(source.key.account));
    const decryptAt = at + this.rng.int(20, 300) * 1000;
    const decryptShared = this.f.uuid();
    const decrypt = (recipient: string) =>
      this.f.kmsCall({
        at: decryptAt,
        name: 'Decrypt',
        key: source.key,
        identity: this.f.serviceIdentity('ec2.amazonaws.com'),
        via: 'ec2.amazonaws.com',
        recipient,
        params: {
          encryptionContext: { 'aws:ebs:id': source.contextId },
          encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        },
        sharedEventId: decryptShared,
      });
    this.emit(decrypt(crossAccountSource ? source.key.account : copierAcct));
    if (crossAccountSource) this.emit(decrypt(copierAcct));
    // the background copy finishes minutes to hours later and retires its grant
    this.emit(
      this.f.kmsCall({
        at: at + this.rng.int(15, 180) * MIN,
        name: 'RetireGrant',
        key: source.key,
        identity: this.f.serviceIdentity('AWS Internal'),
        via: 'AWS Internal',
        recipient: source.key.account,
        params: null as unknown as Record<string, unknown>,
        response: { keyId: source.key.arn },
      }),
    );
    return { id: newSnap, region: destRegion, account: copier.account, contextId: newSnap, key: destKey };
  }

  modifySnapshotAttribute(
    at: number,
    owner: Principal,
    snap: Snapshot,
    to: string,
    op: 'add' | 'remove',
  ): void {
    const requestId = this.f.uuid();
    this.emit(
      this.f.apiCall({
        at,
        principal: owner,
        source: 'ec2.amazonaws.com',
        name: 'ModifySnapshotAttribute',
        region: snap.region,
        requestId,
        readOnly: false,
        params: {
          snapshotId: snap.id,
          attributeType: 'CREATE_VOLUME_PERMISSION',
          createVolumePermission: { [op]: { items: [{ userId: to }] } },
        },
        response: { requestId, _return: true },
      }),
    );
  }

  /** The owner's record that another account copied its shared snapshot; the copy's id is not in it. */
  sharedSnapshotCopyInitiated(at: number, snap: Snapshot, copierAccount: string): void {
    this.emit(
      this.f.serviceEvent({
        at,
        source: 'ec2.amazonaws.com',
        name: 'SharedSnapshotCopyInitiated',
        region: snap.region,
        recipient: snap.account.id,
        // real records show this block with type AWSAccount or with no type at all
        identity: this.rng.chance(0.5)
          ? { type: 'AWSAccount', accountId: copierAccount, invokedBy: 'ec2.amazonaws.com' }
          : { accountId: copierAccount, invokedBy: 'ec2.amazonaws.com' },
        details: { snapshotId: snap.id },
        sharedEventId: this.f.uuid(),
      }),
    );
  }
}
