// RDS-family copies beyond one account and one engine: a one-step cross-account and cross-region
// CopyDBSnapshot of a shared snapshot (reference §3.1; the source key's use lands in both accounts'
// trails), and DocumentDB and Neptune cluster snapshot copies, which are RDS calls told apart only by
// the engine in the response (shape inferred from the API reference; no real record seen).
import { ACCOUNTS, type Key, type Principal } from '../org.ts';
import { javaDate } from '../records.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

/** RDS's own KMS work for a copy: the grant at the call, then its background reads and writes. */
function rdsKms(
  s: Scene,
  o: { at: number; caller: Principal; requestId: string; srcKey: Key; destKey: Key; context: string },
): void {
  const callerAccount = o.caller.account.id;
  s.emit(
    s.f.kmsCall({
      at: o.at + 1000,
      name: 'CreateGrant',
      key: o.destKey,
      identity: s.f.identity(o.caller, o.at, 'rds.amazonaws.com'),
      via: 'rds.amazonaws.com',
      recipient: callerAccount,
      requestId: o.requestId,
      params: {
        keyId: o.destKey.arn,
        granteePrincipal: `rds.${o.destKey.region}.amazonaws.com`,
        retiringPrincipal: `rds.${o.destKey.region}.amazonaws.com`,
        operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo'],
        constraints: { encryptionContextSubset: { 'aws:rds:db-id': o.context } },
      },
      response: { grantId: s.rng.hex(64), keyId: o.destKey.arn },
    }),
  );
  const bg = o.at + s.rng.int(30, 240) * MIN;
  // the source read: another account's key is logged in the caller's trail and the owner's, one
  // sharedEventID between them; either identity style of a service-made call
  const identity = s.rng.chance(0.5)
    ? s.f.serviceIdentity('rds.amazonaws.com')
    : s.f.identity(o.caller, bg, 'rds.amazonaws.com');
  const cross = o.srcKey.account !== callerAccount;
  const shared = cross ? s.f.uuid() : undefined;
  const decrypt = (recipient: string) =>
    s.f.kmsCall({
      at: bg,
      name: 'Decrypt',
      key: o.srcKey,
      identity,
      via: 'rds.amazonaws.com',
      recipient,
      sharedEventId: shared,
      params: { encryptionContext: { 'aws:rds:db-id': o.context }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    });
  s.emit(decrypt(callerAccount));
  if (cross) s.emit(decrypt(o.srcKey.account));
  s.emit(
    s.f.kmsCall({
      at: bg + s.rng.int(5, 60) * 1000,
      name: 'GenerateDataKey',
      key: o.destKey,
      identity: s.f.serviceIdentity('rds.amazonaws.com'),
      via: 'rds.amazonaws.com',
      recipient: callerAccount,
      params: { encryptionContext: { 'aws:rds:db-id': o.context }, keySpec: 'AES_256', keyId: o.destKey.arn },
    }),
  );
}

/**
 * prod-data snapshots its ledger database and shares the snapshot with the vault account, which
 * copies it into eu-west-1 under its own key in one call: another account and another region.
 */
export function rdsOneStepCrossAccount(s: Scene, day0: number, dbi: string): void {
  const owner = s.p.dba!;
  const copier = s.p.vaultCopier!;
  const at = day0 + 5 * HOUR + s.rng.int(0, 1800) * 1000;
  const name = `ledger-${new Date(day0).toISOString().slice(0, 10)}`;
  const srcKey = s.keys.cmk('us-east-1', owner.account.id, 'rds');
  const destKey = s.keys.cmk('eu-west-1', ACCOUNTS.vault.id, 'rds');
  const srcArn = `arn:aws:rds:us-east-1:${owner.account.id}:snapshot:${name}`;
  const snapshot = (region: string, key: Key) => ({
    dBInstanceIdentifier: 'ledger',
    engine: 'postgres',
    engineVersion: '16.4',
    allocatedStorage: 200,
    snapshotType: 'manual',
    encrypted: true,
    kmsKeyId: key.arn,
    dbiResourceId: dbi,
    availabilityZone: `${region}a`,
    instanceCreateTime: javaDate(day0 - 400 * 24 * HOUR),
  });
  s.emit(
    s.f.apiCall({
      at,
      principal: owner,
      source: 'rds.amazonaws.com',
      name: 'CreateDBSnapshot',
      region: 'us-east-1',
      readOnly: false,
      params: { dBSnapshotIdentifier: name, dBInstanceIdentifier: 'ledger' },
      response: {
        ...snapshot('us-east-1', srcKey),
        dBSnapshotIdentifier: name,
        dBSnapshotArn: srcArn,
        status: 'creating',
      },
    }),
  );
  s.emit(
    s.f.apiCall({
      at: at + 20 * MIN,
      principal: owner,
      source: 'rds.amazonaws.com',
      name: 'ModifyDBSnapshotAttribute',
      region: 'us-east-1',
      readOnly: false,
      params: { dBSnapshotIdentifier: name, attributeName: 'restore', valuesToAdd: [ACCOUNTS.vault.id] },
      response: {
        dBSnapshotIdentifier: name,
        dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [ACCOUNTS.vault.id] }],
      },
    }),
  );
  const copyAt = at + 45 * MIN;
  const requestId = s.f.uuid();
  const target = `${name}-vault`;
  s.emit(
    s.f.apiCall({
      at: copyAt,
      principal: copier,
      source: 'rds.amazonaws.com',
      name: 'CopyDBSnapshot',
      region: 'eu-west-1',
      requestId,
      readOnly: false,
      params: {
        sourceDBSnapshotIdentifier: srcArn,
        targetDBSnapshotIdentifier: target,
        kmsKeyId: destKey.arn,
      },
      response: {
        ...snapshot('eu-west-1', destKey),
        dBSnapshotIdentifier: target,
        dBSnapshotArn: `arn:aws:rds:eu-west-1:${ACCOUNTS.vault.id}:snapshot:${target}`,
        sourceDBSnapshotIdentifier: srcArn,
        sourceRegion: 'us-east-1',
        status: 'pending',
        percentProgress: 0,
      },
    }),
  );
  rdsKms(s, { at: copyAt, caller: copier, requestId, srcKey, destKey, context: dbi });
}

/** A DocumentDB or Neptune cluster snapshot, copied into us-west-2: CopyDBClusterSnapshot with its engine. */
export function clusterEngineCopy(
  s: Scene,
  day0: number,
  engine: 'docdb' | 'neptune',
  cluster: string,
  clusterResourceId: string,
): void {
  const p = s.p.dba!;
  const acct = p.account.id;
  const at = day0 + (engine === 'docdb' ? 6 : 7) * HOUR + s.rng.int(0, 1800) * 1000;
  const name = `${cluster}-${new Date(day0).toISOString().slice(0, 10)}`;
  const srcKey = s.keys.cmk('us-east-1', acct, 'rds');
  const destKey = s.keys.cmk('us-west-2', acct, 'rds');
  const srcArn = `arn:aws:rds:us-east-1:${acct}:cluster-snapshot:${name}`;
  const body = (key: Key) => ({
    dBClusterIdentifier: cluster,
    engine,
    engineVersion: engine === 'docdb' ? '5.0.0' : '1.3.2.0',
    snapshotType: 'manual',
    storageEncrypted: true,
    kmsKeyId: key.arn,
    dbClusterResourceId: clusterResourceId,
  });
  s.emit(
    s.f.apiCall({
      at,
      principal: p,
      source: 'rds.amazonaws.com',
      name: 'CreateDBClusterSnapshot',
      region: 'us-east-1',
      readOnly: false,
      params: { dBClusterIdentifier: cluster, dBClusterSnapshotIdentifier: name },
      response: {
        ...body(srcKey),
        dBClusterSnapshotIdentifier: name,
        dBClusterSnapshotArn: srcArn,
        status: 'creating',
      },
    }),
  );
  const copyAt = at + 30 * MIN;
  const requestId = s.f.uuid();
  s.emit(
    s.f.apiCall({
      at: copyAt,
      principal: p,
      source: 'rds.amazonaws.com',
      name: 'CopyDBClusterSnapshot',
      region: 'us-west-2',
      requestId,
      readOnly: false,
      params: {
        sourceDBClusterSnapshotIdentifier: srcArn,
        targetDBClusterSnapshotIdentifier: `${name}-dr`,
        kmsKeyId: destKey.arn,
        copyTags: true,
      },
      response: {
        ...body(destKey),
        dBClusterSnapshotIdentifier: `${name}-dr`,
        dBClusterSnapshotArn: `arn:aws:rds:us-west-2:${acct}:cluster-snapshot:${name}-dr`,
        sourceDBClusterSnapshotArn: srcArn,
        status: 'copying',
        percentProgress: 0,
      },
    }),
  );
  rdsKms(s, { at: copyAt, caller: p, requestId, srcKey, destKey, context: clusterResourceId });
}
