// The copy scenarios, written as AWS writes them (reference §2–§5), not as a correlator would like:
// KMS records land in the key's region and the caller's trail (plus the key owner's for another
// account's key), identity styles vary, aliases and ARNs both appear, background calls come later.
import { ACCOUNTS, type Account, type Key, type KeyRing, type Principal } from './org.ts';
import type { Rng } from './random.ts';
import { type CTRecord, javaDate, type RecordFactory } from './records.ts';

export type Emit = (rec: CTRecord) => void;

const MIN = 60_000;
const HOUR = 60 * MIN;

interface Snapshot {
  id: string;
  region: string;
  account: Account;
  /** The aws:ebs:id its KMS records carry: the volume for CreateSnapshot, its own id for a copy. */
  contextId: string;
  key: Key;
}

export class Scenarios {
  constructor(
    private readonly rng: Rng,
    private readonly f: RecordFactory,
    private readonly keys: KeyRing,
    private readonly p: Record<string, Principal>,
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

  /** Nightly DR: snapshot a volume, copy it to the DR region, then copy that copy again (a chain). */
  ebsNightlyDr(day0: number, vol: string): void {
    const p = this.p.drOperator!;
    const srcKey = this.keys.cmk('us-east-1', p.account.id);
    const at = day0 + 2 * HOUR + this.rng.int(0, 600) * 1000;
    const snap = this.createSnapshot(at, p, 'us-east-1', vol, srcKey);
    const copy = this.copySnapshot({
      at: at + 4 * MIN,
      copier: p,
      source: snap,
      destRegion: 'us-west-2',
      destKey: this.keys.cmk('us-west-2', p.account.id),
      keyRef: this.rng.pick(['arn', 'alias', 'id'] as const),
    });
    if (copy) {
      this.copySnapshot({
        at: at + 3 * HOUR + this.rng.int(0, 900) * 1000,
        copier: p,
        source: copy,
        destRegion: 'ca-central-1',
        destKey: this.keys.cmk('ca-central-1', p.account.id),
      });
    }
  }

  /** prod-data shares a snapshot with the vault account, which copies it under its own key. */
  vaultCrossAccount(day0: number, vol: string): void {
    const owner = this.p.dataDr!;
    const region = 'eu-west-1';
    const srcKey = this.keys.cmk(region, owner.account.id);
    const at = day0 + 1 * HOUR + this.rng.int(0, 1200) * 1000;
    const snap = this.createSnapshot(at, owner, region, vol, srcKey);
    this.modifySnapshotAttribute(at + 2 * MIN, owner, snap, ACCOUNTS.vault.id, 'add');
    const copyAt = at + 10 * MIN + this.rng.int(0, 300) * 1000;
    const copy = this.copySnapshot({
      at: copyAt,
      copier: this.p.vaultCopier!,
      source: snap,
      destRegion: region,
      destKey: this.keys.cmk(region, ACCOUNTS.vault.id, 'backup'),
      keyRef: 'alias',
      reEncryptSameRegion: true,
    });
    this.sharedSnapshotCopyInitiated(copyAt + this.rng.int(1, 20) * 1000, snap, ACCOUNTS.vault.id);
    this.modifySnapshotAttribute(copyAt + 2 * HOUR, owner, snap, ACCOUNTS.vault.id, 'remove');
    // the vault keeps a second copy in its DR region: a chain across two accounts
    if (copy) {
      this.copySnapshot({
        at: copyAt + 4 * HOUR,
        copier: this.p.vaultCopier!,
        source: copy,
        destRegion: 'eu-central-1',
        destKey: this.keys.cmk('eu-central-1', ACCOUNTS.vault.id, 'backup'),
      });
    }
  }

  /** Copy under a multi-Region key: mrk primary in us-east-1, replica in eu-west-1. */
  mrkCopy(day0: number, vol: string): void {
    const p = this.p.dataDr!;
    const at = day0 + 5 * HOUR + this.rng.int(0, 1800) * 1000;
    const snap = this.createSnapshot(at, p, 'us-east-1', vol, this.keys.mrk('us-east-1', p.account.id));
    this.copySnapshot({
      at: at + 6 * MIN,
      copier: p,
      source: snap,
      destRegion: 'eu-west-1',
      destKey: this.keys.mrk('eu-west-1', p.account.id),
    });
  }

  /** AWS Backup: the backup role snapshots and copies (no StartCopyJob with a plan), with job events. */
  backupPlanCopy(day0: number, vol: string): void {
    const role = this.p.backupRole!;
    const at = day0 + 4 * HOUR + this.rng.int(0, 1800) * 1000;
    const vaultKey = this.keys.cmk('us-east-1', role.account.id, 'backup');
    this.emit(
      this.f.serviceEvent({
        at: at - MIN,
        source: 'backup.amazonaws.com',
        name: 'BackupJobStarted',
        region: 'us-east-1',
        recipient: role.account.id,
        identity: { accountId: role.account.id, invokedBy: 'backup.amazonaws.com' },
        details: {
          backupJobId: this.f.uuid().toUpperCase(),
          backupVaultName: 'prod-vault',
          resourceArn: `arn:aws:ec2:us-east-1:${role.account.id}:volume/${vol}`,
          resourceType: 'EBS',
          state: 'CREATED',
        },
      }),
    );
    const snap = this.createSnapshot(at, role, 'us-east-1', vol, vaultKey);
    const copyJobId = this.f.uuid().toUpperCase();
    const copyAt = at + 40 * MIN;
    const destVault = `arn:aws:backup:us-west-2:${role.account.id}:backup-vault:dr-vault`;
    const sourceRp = `arn:aws:ec2:us-east-1::snapshot/${snap.id}`;
    this.emit(
      this.f.serviceEvent({
        at: copyAt - 30_000,
        source: 'backup.amazonaws.com',
        name: 'CopyJobStarted',
        region: 'us-east-1',
        recipient: role.account.id,
        identity: { accountId: role.account.id, invokedBy: 'backup.amazonaws.com' },
        details: {
          copyJobId,
          state: 'RUNNING',
          backupVaultName: 'prod-vault',
          sourceRecoveryPointArn: sourceRp,
          destinationBackupVaultArn: destVault,
          resourceType: 'EBS',
          resourceArn: `arn:aws:ec2:us-east-1:${role.account.id}:volume/${vol}`,
        },
      }),
    );
    const copy = this.copySnapshot({
      at: copyAt,
      copier: role,
      source: snap,
      destRegion: 'us-west-2',
      destKey: this.keys.cmk('us-west-2', role.account.id, 'backup'),
    });
    if (copy) {
      this.emit(
        this.f.serviceEvent({
          at: copyAt + this.rng.int(20, 90) * MIN,
          source: 'backup.amazonaws.com',
          name: 'CopyJobCompleted',
          region: 'us-east-1',
          recipient: role.account.id,
          identity: { accountId: role.account.id, invokedBy: 'backup.amazonaws.com' },
          details: {
            copyJobId,
            state: 'COMPLETED',
            backupVaultName: 'prod-vault',
            sourceRecoveryPointArn: sourceRp,
            destinationBackupVaultArn: destVault,
            destinationRecoveryPointArn: `arn:aws:ec2:us-west-2::snapshot/${copy.id}`,
            resourceType: 'EBS',
            resourceArn: `arn:aws:ec2:us-east-1:${role.account.id}:volume/${vol}`,
            creationDate: javaDate(copyAt),
          },
        }),
      );
    }
  }

  /** RDS: CreateDBSnapshot, then a cross-region CopyDBSnapshot with an ARN source (reference §3.1). */
  rdsCrossRegion(day0: number, dbName: string, dbi: string): void {
    const p = this.p.dba!;
    const acct = p.account.id;
    const at = day0 + 3 * HOUR + this.rng.int(0, 1800) * 1000;
    const date = new Date(day0).toISOString().slice(0, 10);
    const snapName = `${dbName}-${date}`;
    const srcKey = this.keys.cmk('us-east-1', acct, 'rds');
    const srcArn = `arn:aws:rds:us-east-1:${acct}:snapshot:${snapName}`;
    const base = (region: string, key: Key) => ({
      dBInstanceIdentifier: dbName,
      engine: 'postgres',
      allocatedStorage: 100,
      port: 5432,
      availabilityZone: 'us-east-1a',
      vpcId: `vpc-${this.rng.hex(17)}`,
      instanceCreateTime: javaDate(day0 - 200 * 24 * HOUR),
      masterUsername: 'postgres',
      engineVersion: '16.4',
      licenseModel: 'postgresql-license',
      snapshotType: 'manual',
      storageType: 'gp3',
      encrypted: true,
      kmsKeyId: key.arn,
      iAMDatabaseAuthenticationEnabled: false,
      processorFeatures: [],
      dbiResourceId: dbi,
      tagList: [],
      snapshotTarget: 'region',
      region,
    });
    const { region: _r1, ...created } = base('us-east-1', srcKey);
    this.emit(
      this.f.apiCall({
        at,
        principal: p,
        source: 'rds.amazonaws.com',
        name: 'CreateDBSnapshot',
        region: 'us-east-1',
        readOnly: false,
        params: { dBSnapshotIdentifier: snapName, dBInstanceIdentifier: dbName },
        response: {
          ...created,
          dBSnapshotIdentifier: snapName,
          status: 'creating',
          percentProgress: 0,
          dBSnapshotArn: srcArn,
        },
      }),
    );
    const destKey = this.keys.cmk('us-west-2', acct, 'rds');
    const copyAt = at + 25 * MIN;
    const requestId = this.f.uuid();
    const { region: _r2, ...copied } = base('us-west-2', destKey);
    // botocore turns SourceRegion into a presigned URL and drops it: no sourceRegion in the request
    this.emit(
      this.f.apiCall({
        at: copyAt,
        principal: p,
        source: 'rds.amazonaws.com',
        name: 'CopyDBSnapshot',
        region: 'us-west-2',
        requestId,
        readOnly: false,
        params: {
          sourceDBSnapshotIdentifier: srcArn,
          targetDBSnapshotIdentifier: `${snapName}-dr`,
          kmsKeyId: this.rng.chance(0.5) ? destKey.arn : destKey.alias,
          copyTags: true,
        },
        response: {
          ...copied,
          dBSnapshotIdentifier: `${snapName}-dr`,
          status: 'pending',
          percentProgress: 0,
          sourceRegion: 'us-east-1',
          sourceDBSnapshotIdentifier: srcArn,
          dBSnapshotArn: `arn:aws:rds:us-west-2:${acct}:snapshot:${snapName}-dr`,
        },
      }),
    );
    const rdsCaller = this.f.identity(p, copyAt, 'rds.amazonaws.com');
    for (const name of ['DescribeKey', 'CreateGrant'] as const) {
      this.emit(
        this.f.kmsCall({
          at: copyAt + 1000,
          name,
          key: destKey,
          identity: rdsCaller,
          via: 'rds.amazonaws.com',
          recipient: acct,
          params:
            name === 'DescribeKey'
              ? { keyId: destKey.arn }
              : {
                  keyId: destKey.arn,
                  granteePrincipal: 'rds.us-west-2.amazonaws.com',
                  retiringPrincipal: 'rds.us-west-2.amazonaws.com',
                  operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo'],
                  constraints: { encryptionContextSubset: { 'aws:rds:db-id': dbi } },
                },
          response: name === 'CreateGrant' ? { grantId: this.rng.hex(64), keyId: destKey.arn } : null,
          requestId,
        }),
      );
    }
    // the copy runs in the background, possibly hours later, by RDS as grantee
    const bg = copyAt + this.rng.int(30, 240) * MIN;
    this.emit(
      this.f.kmsCall({
        at: bg,
        name: 'Decrypt',
        key: srcKey,
        identity: this.f.serviceIdentity('rds.amazonaws.com'),
        via: 'rds.amazonaws.com',
        recipient: acct,
        params: { encryptionContext: { 'aws:rds:db-id': dbi }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      }),
    );
    this.emit(
      this.f.kmsCall({
        at: bg + this.rng.int(5, 60) * 1000,
        name: 'GenerateDataKey',
        key: destKey,
        identity: this.f.serviceIdentity('rds.amazonaws.com'),
        via: 'rds.amazonaws.com',
        recipient: acct,
        params: { encryptionContext: { 'aws:rds:db-id': dbi }, keySpec: 'AES_256', keyId: destKey.arn },
      }),
    );
  }

  /** AMI copy: CreateImage, then CopyImage to another region; KMS names the new backing snapshot. */
  amiCopy(day0: number): void {
    const p = this.p.amiPipeline!;
    const acct = p.account.id;
    const at = day0 + 9 * HOUR + this.rng.int(0, 3600) * 1000;
    const ami = this.f.amiId();
    const instance = this.f.instanceId();
    const requestId = this.f.uuid();
    this.emit(
      this.f.apiCall({
        at,
        principal: p,
        source: 'ec2.amazonaws.com',
        name: 'CreateImage',
        region: 'us-east-1',
        requestId,
        readOnly: false,
        params: {
          instanceId: instance,
          name: `golden-${new Date(day0).toISOString().slice(0, 10)}`,
          noReboot: true,
        },
        response: { requestId, imageId: ami },
      }),
    );
    const destKey = this.keys.cmk('eu-central-1', acct);
    const newAmi = this.f.amiId();
    const copyReq = this.f.uuid();
    const copyAt = at + 30 * MIN;
    this.emit(
      this.f.apiCall({
        at: copyAt,
        principal: p,
        source: 'ec2.amazonaws.com',
        name: 'CopyImage',
        region: 'eu-central-1',
        requestId: copyReq,
        readOnly: false,
        params: {
          sourceRegion: 'us-east-1',
          sourceImageId: ami,
          name: `golden-${new Date(day0).toISOString().slice(0, 10)}-eu`,
          description: `copy of ${ami}`,
          encrypted: true,
          kmsKeyId: destKey.arn,
          clientToken: this.f.uuid(),
          copyImageTags: true,
        },
        response: { requestId: copyReq, imageId: newAmi },
      }),
    );
    // one internal snapshot copy per backing snapshot: its KMS context is the new snapshot's id
    this.emit(
      this.f.kmsCall({
        at: copyAt + this.rng.int(5, 40) * 1000,
        name: 'GenerateDataKeyWithoutPlaintext',
        key: destKey,
        identity: this.f.serviceIdentity('ec2-frontend-api.amazonaws.com'),
        via: 'ec2-frontend-api.amazonaws.com',
        recipient: acct,
        params: {
          encryptionContext: { 'aws:ebs:id': this.f.snapId() },
          numberOfBytes: 64,
          keyId: destKey.arn,
        },
      }),
    );
  }

  /** A copy that fails at the API: the snapshot id is wrong. */
  failedCopy(day0: number): void {
    const p = this.p.devUser!;
    const src: Snapshot = {
      id: this.f.snapId(),
      region: 'us-east-1',
      account: p.account,
      contextId: this.f.volId(),
      key: this.keys.cmk('us-east-1', p.account.id),
    };
    this.copySnapshot({
      at: day0 + 14 * HOUR + this.rng.int(0, 3600) * 1000,
      copier: p,
      source: src,
      destRegion: 'eu-west-1',
      destKey: this.keys.cmk('eu-west-1', p.account.id),
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
  externalShare(day0: number, vol: string): void {
    const owner = this.p.dataDr!;
    const key = this.keys.cmk('us-east-1', owner.account.id);
    const at = day0 + 16 * HOUR + this.rng.int(0, 1800) * 1000;
    const snap = this.createSnapshot(at, owner, 'us-east-1', vol, key);
    this.modifySnapshotAttribute(at + 3 * MIN, owner, snap, ACCOUNTS.external.id, 'add');
    const copyAt = at + this.rng.int(20, 50) * MIN;
    this.sharedSnapshotCopyInitiated(copyAt, snap, ACCOUNTS.external.id);
    this.emit(
      this.f.kmsCall({
        at: copyAt + 2000,
        name: 'CreateGrant',
        key,
        identity: {
          type: 'AWSAccount',
          principalId: this.p.externalActor!.principalId,
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
        response: { grantId: this.rng.hex(64), keyId: key.arn },
        sharedEventId: this.f.uuid(),
      }),
    );
    this.emit(
      this.f.kmsCall({
        at: copyAt + this.rng.int(30, 200) * 1000,
        name: 'Decrypt',
        key,
        identity: { type: 'AWSAccount', accountId: ACCOUNTS.external.id, invokedBy: 'ec2.amazonaws.com' },
        via: 'ec2.amazonaws.com',
        recipient: owner.account.id,
        params: { encryptionContext: { 'aws:ebs:id': vol }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        sharedEventId: this.f.uuid(),
      }),
    );
    // an RDS snapshot made restorable by the external account as well
    this.emit(
      this.f.apiCall({
        at: at + 40 * MIN,
        principal: this.p.dba!,
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
}
