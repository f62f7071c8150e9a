// Copies made by services other than EBS, RDS snapshots and Backup: an FSx backup copied across
// regions, an EFS replication switched on and later off, Redshift snapshot copy (provisioned, with its
// copy grant, and serverless), a DynamoDB replica in another region, a CloudHSM backup copied out of
// the EU, a snapshot restored from the Recycle Bin and copied again, and the copy-outs to S3 (an RDS
// export, an AMI export, an AMI stored as an object). Request and response shapes follow each API
// reference, in the casing CloudTrail uses for the service (inferred: no real record of these seen).
// Service-made KMS calls come in both identity styles; where the service's encryption context is
// documented (EFS, DynamoDB) the records carry it, elsewhere none is invented.
import type { Key, Principal } from '../org.ts';
import { ACCOUNTS } from '../org.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

/** Which day of the run each one-off happens: early, but within a run of any length. */
const dayOf = (want: number, days: number) => Math.min(want, days - 1);

function call(
  s: Scene,
  at: number,
  principal: Principal,
  source: string,
  name: string,
  region: string,
  params: unknown,
  response: unknown,
  readOnly = false,
) {
  s.emit(s.f.apiCall({ at, principal, source, name, region, params, response, readOnly }));
}

/** A KMS call a service makes for a copy, in one of its two identity styles (reference §1.3). */
function serviceKms(
  s: Scene,
  o: {
    at: number;
    name: string;
    key: Key;
    caller: Principal;
    service: string;
    ctx?: Record<string, string>;
    recipients?: string[];
  },
) {
  const identity = s.rng.chance(0.5)
    ? s.f.identity(o.caller, o.at, o.service)
    : s.f.serviceIdentity(o.service);
  const params: Record<string, unknown> = { keyId: o.key.arn };
  if (o.ctx) params.encryptionContext = o.ctx;
  if (o.name.startsWith('GenerateDataKey')) params.keySpec = 'AES_256';
  // another account's key: the same action lands in the caller's trail and the key owner's
  const recipients = o.recipients ?? [o.caller.account.id];
  const sharedEventId = recipients.length > 1 ? s.f.uuid() : undefined;
  for (const recipient of recipients)
    s.emit(
      s.f.kmsCall({
        at: o.at,
        name: o.name,
        key: o.key,
        identity,
        via: o.service,
        recipient,
        params,
        ...(sharedEventId ? { sharedEventId } : {}),
      }),
    );
}

/** The daily and one-off service copies of one fleet (suffix: '' for the first, else '-<n>'). */
export function serviceCopies(s: Scene, day0: number, d: number, days: number, suffix: string): void {
  const ops = s.p.drOperator!;
  const data = s.p.dataDr!;
  const dba = s.p.dba!;
  const acct = ops.account.id;
  const date = new Date(day0).toISOString().slice(0, 10);
  const hex = (n: number) => s.rng.hex(n);

  // FSx: every night a backup of the fleet's file system in us-east-1, copied to us-west-2 under the
  // DR key
  const fsxFileSystem = `fs-05e1f2a3b4c5d6e${String(suffix ? Number(suffix.slice(1)) : 0).padStart(2, '0')}`;
  const fsxAt = day0 + 2 * HOUR + s.rng.int(0, 1800) * 1000;
  const backup = `backup-0${hex(16)}`;
  const fsxKey = s.keys.cmk('us-west-2', acct, 'app');
  call(
    s,
    fsxAt,
    ops,
    'fsx.amazonaws.com',
    'CreateBackup',
    'us-east-1',
    { fileSystemId: fsxFileSystem },
    {
      backup: { backupId: backup, lifecycle: 'CREATING', type: 'USER_INITIATED' },
    },
  );
  const copyId = `backup-0${hex(16)}`;
  call(
    s,
    fsxAt + 20 * MIN,
    ops,
    'fsx.amazonaws.com',
    'CopyBackup',
    'us-west-2',
    { sourceBackupId: backup, sourceRegion: 'us-east-1', kmsKeyId: fsxKey.arn, copyTags: true },
    {
      backup: {
        backupId: copyId,
        lifecycle: 'PENDING',
        type: 'USER_INITIATED',
        resourceARN: `arn:aws:fsx:us-west-2:${acct}:backup/${copyId}`,
        kmsKeyId: fsxKey.arn,
        sourceBackupId: backup,
        sourceBackupRegion: 'us-east-1',
        ownerId: acct,
      },
    },
  );
  // FSx's encryption context is not documented: its KMS records here carry none
  serviceKms(s, {
    at: fsxAt + 21 * MIN,
    name: 'GenerateDataKeyWithoutPlaintext',
    key: fsxKey,
    caller: ops,
    service: 'fsx.amazonaws.com',
  });

  // Redshift: an automated snapshot kept as a manual one, every day
  const cluster = `analytics${suffix}`;
  call(
    s,
    day0 + 6 * HOUR + s.rng.int(0, 1800) * 1000,
    dba,
    'redshift.amazonaws.com',
    'CopyClusterSnapshot',
    'us-east-1',
    {
      sourceSnapshotIdentifier: `rs:${cluster}-${date}-05-00`,
      targetSnapshotIdentifier: `${cluster}-keep-${date}`,
    },
    {
      snapshotIdentifier: `${cluster}-keep-${date}`,
      clusterIdentifier: cluster,
      snapshotType: 'manual',
      status: 'creating',
      encrypted: true,
      kmsKeyId: s.keys.cmk('us-east-1', dba.account.id, 'app').arn,
    },
  );
  // noise around these services: reads and updates that copy nothing
  call(
    s,
    day0 + 7 * HOUR,
    data,
    'dynamodb.amazonaws.com',
    'UpdateTable',
    'us-east-1',
    {
      tableName: `sessions${suffix}`,
      billingMode: 'PAY_PER_REQUEST',
    },
    { tableDescription: { tableName: `sessions${suffix}`, tableStatus: 'UPDATING' } },
  );
  call(
    s,
    day0 + 7 * HOUR + 5 * MIN,
    ops,
    'fsx.amazonaws.com',
    'DescribeBackups',
    'us-west-2',
    { backupIds: [copyId] },
    null,
    true,
  );

  if (d === 0) {
    // EFS: replication of the shared file system to eu-west-1, into the vault account's key
    const fs = `fs-0${hex(16)}`;
    const dest = `fs-0${hex(16)}`;
    const efsKey = s.keys.cmk('eu-west-1', ACCOUNTS.vault.id, 'backup');
    const efsAt = day0 + 9 * HOUR;
    call(
      s,
      efsAt,
      data,
      'elasticfilesystem.amazonaws.com',
      'CreateReplicationConfiguration',
      'us-east-1',
      { sourceFileSystemId: fs, destinations: [{ region: 'eu-west-1', kmsKeyId: efsKey.arn }] },
      {
        sourceFileSystemId: fs,
        sourceFileSystemRegion: 'us-east-1',
        sourceFileSystemArn: `arn:aws:elasticfilesystem:us-east-1:${data.account.id}:file-system/${fs}`,
        originalSourceFileSystemArn: `arn:aws:elasticfilesystem:us-east-1:${data.account.id}:file-system/${fs}`,
        creationTime: Math.floor(efsAt / 1000),
        destinations: [{ status: 'ENABLING', fileSystemId: dest, region: 'eu-west-1' }],
      },
    );
    for (const [i, name] of ['CreateGrant', 'GenerateDataKey'].entries())
      serviceKms(s, {
        at: efsAt + (i + 1) * MIN,
        name,
        key: efsKey,
        caller: data,
        service: 'elasticfilesystem.amazonaws.com',
        ctx: { 'aws:elasticfilesystem:filesystem:id': dest },
        recipients: [data.account.id, ACCOUNTS.vault.id],
      });
    // switched off again later in the run (the same day when the run is one day long)
    const offAt = days > 1 ? day0 + dayOf(3, days) * 24 * HOUR + 11 * HOUR : day0 + 20 * HOUR;
    call(
      s,
      offAt,
      data,
      'elasticfilesystem.amazonaws.com',
      'DeleteReplicationConfiguration',
      'us-east-1',
      {
        sourceFileSystemId: fs,
      },
      null,
    );

    // Redshift: a copy grant in the destination, then snapshot copy switched on to it
    const grantKey = s.keys.cmk('eu-central-1', dba.account.id, 'app');
    const rsAt = day0 + 10 * HOUR;
    call(
      s,
      rsAt,
      dba,
      'redshift.amazonaws.com',
      'CreateSnapshotCopyGrant',
      'eu-central-1',
      {
        snapshotCopyGrantName: `${cluster}-dr-grant`,
        kmsKeyId: grantKey.arn,
      },
      { snapshotCopyGrantName: `${cluster}-dr-grant`, kmsKeyId: grantKey.arn },
    );
    serviceKms(s, {
      at: rsAt + 2000,
      name: 'CreateGrant',
      key: grantKey,
      caller: dba,
      service: 'redshift.amazonaws.com',
    });
    call(
      s,
      rsAt + 5 * MIN,
      dba,
      'redshift.amazonaws.com',
      'EnableSnapshotCopy',
      'us-east-1',
      {
        clusterIdentifier: cluster,
        destinationRegion: 'eu-central-1',
        retentionPeriod: 7,
        snapshotCopyGrantName: `${cluster}-dr-grant`,
      },
      {
        clusterIdentifier: cluster,
        encrypted: true,
        clusterSnapshotCopyStatus: {
          destinationRegion: 'eu-central-1',
          retentionPeriod: 7,
          snapshotCopyGrantName: `${cluster}-dr-grant`,
        },
      },
    );

    // DynamoDB: a replica in Tokyo, added by a CloudFormation stack update (the caller's identity,
    // invoked by CloudFormation)
    const table = `orders${suffix}`;
    const ddbKey = s.keys.cmk('ap-northeast-1', data.account.id, 'app');
    const ddbAt = day0 + 12 * HOUR;
    s.emit({
      ...s.f.apiCall({
        at: ddbAt,
        principal: data,
        source: 'dynamodb.amazonaws.com',
        name: 'UpdateTable',
        region: 'us-east-1',
        readOnly: false,
        params: {
          tableName: table,
          replicaUpdates: [{ create: { regionName: 'ap-northeast-1', kMSMasterKeyId: ddbKey.arn } }],
        },
        response: {
          tableDescription: { tableName: table, tableStatus: 'UPDATING', globalTableVersion: '2019.11.21' },
        },
      }),
      userIdentity: s.f.identity(data, ddbAt, 'cloudformation.amazonaws.com'),
      sourceIPAddress: 'cloudformation.amazonaws.com',
      userAgent: 'cloudformation.amazonaws.com',
    });
    serviceKms(s, {
      at: ddbAt + 3 * MIN,
      name: 'GenerateDataKey',
      key: ddbKey,
      caller: data,
      service: 'dynamodb.amazonaws.com',
      ctx: { 'aws:dynamodb:tableName': table, 'aws:dynamodb:subscriberId': data.account.id },
    });
  }

  if (d === dayOf(1, days)) {
    // CloudHSM: the Frankfurt cluster's backup (its key material) copied to us-east-1
    const sec = s.p.orgAdmin!;
    const hsmBackup = `backup-${s.rng.alnum(11, 'abcdefghijklmnopqrstuvwxyz234567')}`;
    call(
      s,
      day0 + 13 * HOUR,
      sec,
      'cloudhsm.amazonaws.com',
      'CopyBackupToRegion',
      'eu-central-1',
      {
        backupId: hsmBackup,
        destinationRegion: 'us-east-1',
      },
      {
        destinationBackup: {
          createTimestamp: Math.floor((day0 - 3 * HOUR) / 1000),
          sourceRegion: 'eu-central-1',
          sourceBackup: hsmBackup,
          sourceCluster: `cluster-${s.rng.alnum(11, 'abcdefghijklmnopqrstuvwxyz234567')}`,
        },
      },
    );

    // Redshift Serverless: the sales namespace's snapshots copied to Canada
    const namespace = `sales${suffix}`;
    const cfg = s.f.uuid();
    const destKey = s.keys.cmk('ca-central-1', dba.account.id, 'app');
    const configuration = {
      snapshotCopyConfigurationId: cfg,
      snapshotCopyConfigurationArn: `arn:aws:redshift-serverless:us-west-2:${dba.account.id}:snapshotcopyconfiguration/${cfg}`,
      namespaceName: namespace,
      destinationRegion: 'ca-central-1',
      destinationKmsKeyId: destKey.arn,
      snapshotRetentionPeriod: 7,
    };
    call(
      s,
      day0 + 13 * HOUR + 30 * MIN,
      dba,
      'redshift-serverless.amazonaws.com',
      'CreateSnapshotCopyConfiguration',
      'us-west-2',
      {
        namespaceName: namespace,
        destinationRegion: 'ca-central-1',
        destinationKmsKeyId: destKey.arn,
        snapshotRetentionPeriod: 7,
      },
      { snapshotCopyConfiguration: configuration },
    );

    // RDS: the day's orders snapshot exported to the analytics bucket
    const snapArn = `arn:aws:rds:us-east-1:${dba.account.id}:snapshot:orders${suffix}-${date}`;
    const exportKey = s.keys.cmk('us-east-1', dba.account.id, 'rds');
    call(
      s,
      day0 + 15 * HOUR,
      dba,
      'rds.amazonaws.com',
      'StartExportTask',
      'us-east-1',
      {
        exportTaskIdentifier: `orders-export-${date}${suffix}`,
        sourceArn: snapArn,
        s3BucketName: 'prod-data-analytics-landing',
        iamRoleArn: `arn:aws:iam::${dba.account.id}:role/rds-s3-export`,
        kmsKeyId: exportKey.arn,
      },
      {
        exportTaskIdentifier: `orders-export-${date}${suffix}`,
        sourceArn: snapArn,
        s3Bucket: 'prod-data-analytics-landing',
        kmsKeyId: exportKey.arn,
        status: 'STARTING',
        percentProgress: 0,
      },
    );
  }

  if (d === dayOf(2, days)) {
    // Recycle Bin: a DR copy deleted by mistake, restored, and copied on to the vault region
    const key = s.keys.cmk('us-east-1', acct);
    const at = day0 + 17 * HOUR;
    const snap = s.ebs.createSnapshot(at, ops, 'us-east-1', s.f.volId(), key);
    call(
      s,
      at + 2 * HOUR,
      ops,
      'ec2.amazonaws.com',
      'DeleteSnapshot',
      'us-east-1',
      { snapshotId: snap.id },
      { _return: true },
    );
    call(
      s,
      at + 3 * HOUR,
      ops,
      'ec2.amazonaws.com',
      'RestoreSnapshotFromRecycleBin',
      'us-east-1',
      { snapshotId: snap.id },
      {
        snapshotId: snap.id,
        state: 'recovering',
        ownerId: acct,
        volumeId: snap.contextId,
        encrypted: true,
        requestId: s.f.uuid(),
      },
    );
    s.ebs.copySnapshot({
      at: at + 4 * HOUR,
      copier: ops,
      source: snap,
      destRegion: 'us-west-2',
      destKey: s.keys.cmk('us-west-2', acct),
    });

    // EC2: an AMI exported as a disk image, and another stored as an object, by the AMI pipeline
    const pipe = s.p.amiPipeline!;
    const ami = s.f.amiId();
    call(
      s,
      day0 + 18 * HOUR,
      pipe,
      'ec2.amazonaws.com',
      'ExportImage',
      'eu-west-1',
      {
        imageId: ami,
        diskImageFormat: 'VMDK',
        s3ExportLocation: { s3Bucket: 'dev-vm-images', s3Prefix: 'exports/' },
      },
      {
        exportImageTaskId: `export-ami-${hex(17)}`,
        imageId: ami,
        diskImageFormat: 'vmdk',
        s3ExportLocation: { s3Bucket: 'dev-vm-images', s3Prefix: 'exports/' },
        status: 'active',
        requestId: s.f.uuid(),
      },
    );
    call(
      s,
      day0 + 18 * HOUR + 20 * MIN,
      pipe,
      'ec2.amazonaws.com',
      'CreateStoreImageTask',
      'eu-west-1',
      {
        imageId: ami,
        bucket: 'dev-ami-archive',
      },
      { objectKey: `${ami}.bin`, requestId: s.f.uuid() },
    );
  }
}
