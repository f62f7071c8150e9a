// RDS snapshot copies across regions, with the KMS grant made at the call and the background
// Decrypt and GenerateDataKey that RDS makes as grantee, possibly hours later (reference §3.1, §5.4).
import type { Key } from '../org.ts';
import { javaDate } from '../records.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

/** RDS: CreateDBSnapshot, then a cross-region CopyDBSnapshot with an ARN source (reference §3.1). */
export function rdsCrossRegion(s: Scene, day0: number, dbName: string, dbi: string): void {
  const p = s.p.dba!;
  const acct = p.account.id;
  const at = day0 + 3 * HOUR + s.rng.int(0, 1800) * 1000;
  const date = new Date(day0).toISOString().slice(0, 10);
  const snapName = `${dbName}-${date}`;
  const srcKey = s.keys.cmk('us-east-1', acct, 'rds');
  const srcArn = `arn:aws:rds:us-east-1:${acct}:snapshot:${snapName}`;
  const base = (region: string, key: Key) => ({
    dBInstanceIdentifier: dbName,
    engine: 'postgres',
    allocatedStorage: 100,
    port: 5432,
    availabilityZone: 'us-east-1a',
    vpcId: `vpc-${s.rng.hex(17)}`,
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
  s.emit(
    s.f.apiCall({
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
  const destKey = s.keys.cmk('us-west-2', acct, 'rds');
  const copyAt = at + 25 * MIN;
  const requestId = s.f.uuid();
  const { region: _r2, ...copied } = base('us-west-2', destKey);
  // botocore turns SourceRegion into a presigned URL and drops it: no sourceRegion in the request
  s.emit(
    s.f.apiCall({
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
        kmsKeyId: s.rng.chance(0.5) ? destKey.arn : destKey.alias,
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
  const rdsCaller = s.f.identity(p, copyAt, 'rds.amazonaws.com');
  for (const name of ['DescribeKey', 'CreateGrant'] as const) {
    s.emit(
      s.f.kmsCall({
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
        response: name === 'CreateGrant' ? { grantId: s.rng.hex(64), keyId: destKey.arn } : null,
        requestId,
      }),
    );
  }
  // the copy runs in the background, possibly hours later, by RDS as grantee
  const bg = copyAt + s.rng.int(30, 240) * MIN;
  s.emit(
    s.f.kmsCall({
      at: bg,
      name: 'Decrypt',
      key: srcKey,
      identity: s.f.serviceIdentity('rds.amazonaws.com'),
      via: 'rds.amazonaws.com',
      recipient: acct,
      params: { encryptionContext: { 'aws:rds:db-id': dbi }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    }),
  );
  s.emit(
    s.f.kmsCall({
      at: bg + s.rng.int(5, 60) * 1000,
      name: 'GenerateDataKey',
      key: destKey,
      identity: s.f.serviceIdentity('rds.amazonaws.com'),
      via: 'rds.amazonaws.com',
      recipient: acct,
      params: { encryptionContext: { 'aws:rds:db-id': dbi }, keySpec: 'AES_256', keyId: destKey.arn },
    }),
  );
}
