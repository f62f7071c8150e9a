// S3 replication: buckets whose replication configuration copies every new object to another
// bucket, continuously. The configuration calls are S3 management events in the source bucket's
// region; the per-object work shows only as KMS calls by the configuration's role, in each key's
// region (Decrypt under the source bucket's key, GenerateDataKey under the replica key), with the
// bucket or object ARN as aws:s3:arn context. Shapes inferred from the S3 and KMS API references;
// no real record seen. One fleet runs six configurations:
//   orders      SSE-KMS under a multi-Region key, replicated to its replica's region
//   ledger      cross-account into the vault account, its key owner logging a copy of each call
//   assets      SSE-S3 into another region: no KMS record at all
//   exports     replicated for a day, then the configuration is deleted
//   audit       the replica key's policy stops letting the role in: denied calls, silently failing
//   customers   replicated from an EU region into us-east-1, outside an EU-only residency policy
// plus other principals reading and writing objects of the same buckets under the same keys.
import { ACCOUNTS, type Key, type Principal } from '../org.ts';
import type { CTRecord } from '../records.ts';
import { HOUR, MIN, type Scene } from './scene.ts';

/** What one configuration replicates: from where, to where, under which keys. */
interface Edge {
  name: string;
  region: string;
  destRegion: string;
  destAccount: string;
  sourceKey: Key | null;
  replicaKey: Key | null;
}

const role = (
  account: (typeof ACCOUNTS)[keyof typeof ACCOUNTS],
  name: string,
  session: string,
): Principal => ({
  kind: 'role',
  account,
  roleName: name,
  session,
  principalId: `AROA${name
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .padEnd(17, 'X')
    .slice(0, 17)}`,
  accessKeyPrefix: 'ASIA',
});

const suffix = (fleet: number) => (fleet === 0 ? '' : `-${fleet}`);

function edgesOf(s: Scene, fleet: number): Edge[] {
  const data = ACCOUNTS.prodData.id;
  const f = suffix(fleet);
  return [
    {
      name: `orders${f}`,
      region: 'eu-west-1',
      destRegion: 'eu-central-1',
      destAccount: data,
      sourceKey: s.keys.mrk('eu-west-1', data),
      replicaKey: s.keys.mrk('eu-central-1', data),
    },
    {
      name: `ledger${f}`,
      region: 'eu-west-1',
      destRegion: 'eu-west-1',
      destAccount: ACCOUNTS.vault.id,
      sourceKey: s.keys.cmk('eu-west-1', data, 'app'),
      replicaKey: s.keys.cmk('eu-west-1', ACCOUNTS.vault.id, 'backup'),
    },
    {
      name: `assets${f}`,
      region: 'eu-west-1',
      destRegion: 'eu-west-2',
      destAccount: data,
      sourceKey: null,
      replicaKey: null,
    },
    {
      name: `exports${f}`,
      region: 'eu-west-1',
      destRegion: 'eu-west-2',
      destAccount: data,
      sourceKey: s.keys.cmk('eu-west-1', data, 'app'),
      replicaKey: s.keys.cmk('eu-west-2', data, 'app'),
    },
    {
      name: `audit${f}`,
      region: 'eu-west-1',
      destRegion: 'eu-central-1',
      destAccount: data,
      sourceKey: s.keys.cmk('eu-west-1', data, 'app'),
      replicaKey: s.keys.cmk('eu-central-1', data, 'app'),
    },
    {
      name: `customers${f}`,
      region: 'eu-west-1',
      destRegion: 'us-east-1',
      destAccount: data,
      sourceKey: s.keys.cmk('eu-west-1', data, 'app'),
      replicaKey: s.keys.cmk('us-east-1', data, 'app'),
    },
  ];
}

const bucketOf = (e: Edge) => `copytrail-sim-${e.name}`;
const replicaOf = (e: Edge) => `copytrail-sim-${e.name}-replica`;
const host = (bucket: string, region: string) => `${bucket}.s3.${region}.amazonaws.com`;

/**
 * Day 0: the buckets, their default encryption and replication configurations. Every day: a few
 * hours of objects replicated, and the deleted and failing configurations' turns.
 */
export function s3Replication(s: Scene, day0: number, day: number, days: number, fleet: number): void {
  const admin = s.p.dataDr!;
  const replicator = role(ACCOUNTS.prodData, 'S3ReplicationRole', 's3-replication');
  const roleArn = s.f.roleArnOf(replicator);
  const reader = role(ACCOUNTS.prodData, 'AnalyticsJob', 'spark-etl');
  const edges = edgesOf(s, fleet);
  const call = (at: number, region: string, name: string, params: unknown, who: Principal = admin) =>
    s.emit(
      s.f.apiCall({
        at,
        principal: who,
        source: 's3.amazonaws.com',
        name,
        region,
        params,
        response: null,
        readOnly: false,
      }),
    );
  const vaultAdmin = role(ACCOUNTS.vault, 'VaultIngest', 'vault-admin');

  if (day === 0) {
    let at = day0 + 30 * MIN;
    for (const e of edges) {
      const bucket = bucketOf(e);
      const replica = replicaOf(e);
      at += s.rng.int(30, 120) * 1000;
      call(at, e.region, 'CreateBucket', {
        bucketName: bucket,
        Host: host(bucket, e.region),
        CreateBucketConfiguration: { LocationConstraint: e.region },
      });
      call(
        at + 5000,
        e.destRegion,
        'CreateBucket',
        {
          bucketName: replica,
          Host: host(replica, e.destRegion),
          ...(e.destRegion === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: e.destRegion } }),
        },
        e.destAccount === ACCOUNTS.vault.id ? vaultAdmin : admin,
      );
      call(at + 10_000, e.region, 'PutBucketEncryption', {
        bucketName: bucket,
        Host: host(bucket, e.region),
        encryption: '',
        ServerSideEncryptionConfiguration: {
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          Rule: {
            ApplyServerSideEncryptionByDefault: e.sourceKey
              ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: e.sourceKey.arn }
              : { SSEAlgorithm: 'AES256' },
            BucketKeyEnabled: e.name.startsWith('orders'),
          },
        },
      });
      const rule = {
        ID: `replicate-${e.name}`,
        Priority: 1,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        DeleteMarkerReplication: { Status: 'Disabled' },
        ...(e.sourceKey
          ? { SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } } }
          : {}),
        Destination: {
          Bucket: `arn:aws:s3:::${replica}`,
          ...(e.destAccount !== ACCOUNTS.prodData.id
            ? { Account: e.destAccount, AccessControlTranslation: { Owner: 'Destination' } }
            : {}),
          ...(e.replicaKey ? { EncryptionConfiguration: { ReplicaKmsKeyID: e.replicaKey.arn } } : {}),
        },
      };
      call(at + 20_000, e.region, 'PutBucketReplication', {
        bucketName: bucket,
        Host: host(bucket, e.region),
        replication: '',
        // the console writes one rule as an object, the CLI from a JSON file as a list
        ReplicationConfiguration: {
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          Role: roleArn,
          Rule: e.name.startsWith('ledger') ? [rule] : rule,
        },
      });
    }
  }

  const deleteDay = Math.min(1, days - 1);
  const deleteAt = day0 + 20 * HOUR;
  for (const e of edges) {
    if (e.name.startsWith('exports') && day === deleteDay) {
      const bucket = bucketOf(e);
      call(deleteAt, e.region, 'DeleteBucketReplication', {
        bucketName: bucket,
        Host: host(bucket, e.region),
        replication: '',
      });
    }
  }

  // objects arrive in two bursts a day; each one replicated is one KMS call on each side
  for (const hour of [2, 5]) {
    for (const e of edges) {
      if (!e.sourceKey || !e.replicaKey) continue;
      if (e.name.startsWith('exports') && (day > deleteDay || (day === deleteDay && hour * HOUR > 20 * HOUR)))
        continue;
      // the audit bucket's replica key policy was tightened after its first burst
      const denied = e.name.startsWith('audit') && (day > 0 || hour > 2);
      const objects = s.rng.int(12, 24);
      for (let i = 0; i < objects; i++) {
        const at = day0 + hour * HOUR + s.rng.int(0, 3500) * 1000;
        replicateOne(s, e, replicator, at, i, denied);
      }
      // someone else reads the source bucket's objects under the same key: not replication
      for (let i = 0; i < 3; i++) {
        const at = day0 + hour * HOUR + s.rng.int(0, 3500) * 1000;
        s.emit(
          s.f.kmsCall({
            at,
            name: 'Decrypt',
            key: e.sourceKey,
            identity: s.f.identity(reader, at, 's3.amazonaws.com'),
            via: 's3.amazonaws.com',
            recipient: ACCOUNTS.prodData.id,
            params: {
              encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${bucketOf(e)}/reports/${s.rng.hex(8)}.csv` },
              encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
            },
          }),
        );
      }
    }
  }
}

/** One object replicated: the role decrypts it under the source key and encrypts the replica. */
function replicateOne(
  s: Scene,
  e: Edge,
  replicator: Principal,
  at: number,
  i: number,
  denied: boolean,
): void {
  const object = `data/${s.rng.hex(6)}/part-${i}.parquet`;
  // with an S3 Bucket Key the context is the bucket's ARN, without one the object's
  const ctx = (bucket: string) =>
    e.name.startsWith('orders') ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${object}`;
  // S3 acting as the role: the role's session with invokedBy, sometimes logged without its issuer
  const identity = () => {
    const id = s.f.identity(replicator, at, 's3.amazonaws.com');
    if (s.rng.chance(0.3)) delete id.sessionContext;
    return id;
  };
  const data = ACCOUNTS.prodData.id;
  s.emit(
    s.f.kmsCall({
      at,
      name: 'Decrypt',
      key: e.sourceKey!,
      identity: identity(),
      via: 's3.amazonaws.com',
      recipient: data,
      params: {
        encryptionContext: { 'aws:s3:arn': ctx(bucketOf(e)) },
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      },
    }),
  );
  const crossAccount = e.replicaKey!.account !== data;
  const sharedEventId = crossAccount ? s.f.uuid() : undefined;
  const params = {
    keyId: e.replicaKey!.arn,
    encryptionContext: { 'aws:s3:arn': ctx(replicaOf(e)) },
    keySpec: 'AES_256',
  };
  const write: CTRecord = s.f.kmsCall({
    at: at + 1000,
    name: 'GenerateDataKey',
    key: e.replicaKey!,
    identity: identity(),
    via: 's3.amazonaws.com',
    recipient: data,
    params,
    sharedEventId,
  });
  // a denied call is logged in the caller's trail only
  s.emit(
    denied
      ? {
          ...write,
          errorCode: 'AccessDenied',
          errorMessage: 'User is not authorized to perform: kms:GenerateDataKey',
        }
      : write,
  );
  if (crossAccount && !denied) {
    // the key owner's copy: the caller as another account
    s.emit(
      s.f.kmsCall({
        at: at + 1000,
        name: 'GenerateDataKey',
        key: e.replicaKey!,
        identity: {
          type: 'AWSAccount',
          principalId: `${replicator.principalId}:s3-replication`,
          accountId: data,
        },
        via: 's3.amazonaws.com',
        recipient: e.replicaKey!.account,
        params,
        sharedEventId,
      }),
    );
  }
}
