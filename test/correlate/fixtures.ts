// Builders for hand-made CloudTrail records in the shapes of reference §2–§5, for named scenarios.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import type { Store } from '../../queries/store.ts';

export const A1 = '111122223333';
export const A2 = '444455556666';
export const KEY = (region: string, account: string, id: string) =>
  `arn:aws:kms:${region}:${account}:key/${id}`;

let n = 0;
const id = () => {
  n++;
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
};
export const T = (iso: string) => iso;

const caller = (account: string, role = 'DrOperator') => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${account}:assumed-role/${role}/op`,
  accountId: account,
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${role}`, accountId: account },
  },
});

export function createSnapshot(
  at: string,
  region: string,
  account: string,
  vol: string,
  snap: string,
  key: string,
) {
  const requestId = id();
  return {
    eventVersion: '1.11',
    eventID: id(),
    eventTime: at,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateSnapshot',
    awsRegion: region,
    recipientAccountId: account,
    userIdentity: caller(account),
    requestID: requestId,
    requestParameters: { volumeId: vol },
    responseElements: {
      requestId,
      snapshotId: snap,
      volumeId: vol,
      encrypted: true,
      kmsKeyId: key,
      ownerId: account,
    },
  };
}

export function copySnapshot(o: {
  at: string;
  region: string;
  account: string;
  sourceRegion: string;
  sourceSnap: string;
  newSnap?: string;
  kmsKeyId?: string;
  requestId?: string;
  error?: string;
  identity?: Record<string, unknown>;
  description?: string;
}) {
  const requestId = o.requestId ?? id();
  return {
    eventVersion: '1.11',
    eventID: id(),
    eventTime: o.at,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CopySnapshot',
    awsRegion: o.region,
    recipientAccountId: o.account,
    userIdentity: o.identity ?? caller(o.account),
    requestID: requestId,
    requestParameters: {
      sourceRegion: o.sourceRegion,
      sourceSnapshotId: o.sourceSnap,
      encrypted: true,
      ...(o.kmsKeyId ? { kmsKeyId: o.kmsKeyId } : {}),
      ...(o.description ? { description: o.description } : {}),
    },
    responseElements: o.error ? null : { requestId, snapshotId: o.newSnap },
    ...(o.error ? { errorCode: o.error, errorMessage: 'failed' } : {}),
  };
}

export function copyImage(o: {
  at: string;
  region: string;
  account: string;
  sourceRegion: string;
  sourceAmi: string;
  newAmi: string;
  kmsKeyId: string;
}) {
  const requestId = id();
  return {
    eventVersion: '1.11',
    eventID: id(),
    eventTime: o.at,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CopyImage',
    awsRegion: o.region,
    recipientAccountId: o.account,
    userIdentity: caller(o.account, 'AmiPipeline'),
    requestID: requestId,
    requestParameters: {
      sourceRegion: o.sourceRegion,
      sourceImageId: o.sourceAmi,
      name: 'golden',
      encrypted: true,
      kmsKeyId: o.kmsKeyId,
      copyImageTags: true,
    },
    responseElements: { requestId, imageId: o.newAmi },
  };
}

export function kms(o: {
  at: string;
  name: string;
  region: string;
  recipient: string;
  key: string;
  ctx?: Record<string, string>;
  grantCtx?: Record<string, string>;
  requestId?: string;
  sharedEventId?: string;
  identity?: Record<string, unknown>;
  keyId?: string;
  reEncrypt?: { destKey: string; destCtx: Record<string, string> };
}) {
  const params: Record<string, unknown> = {};
  if (o.keyId) params.keyId = o.keyId;
  if (o.ctx) params.encryptionContext = o.ctx;
  if (o.grantCtx) params.constraints = { encryptionContextSubset: o.grantCtx };
  if (o.reEncrypt) {
    params.sourceEncryptionContext = o.ctx;
    delete params.encryptionContext;
    params.destinationKeyId = o.reEncrypt.destKey;
    params.destinationEncryptionContext = o.reEncrypt.destCtx;
  }
  return {
    eventVersion: '1.11',
    eventID: id(),
    eventTime: o.at,
    eventSource: 'kms.amazonaws.com',
    eventName: o.name,
    awsRegion: o.region,
    recipientAccountId: o.recipient,
    userIdentity: o.identity ?? { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
    requestParameters: params,
    responseElements: null,
    requestID: o.requestId ?? id(),
    ...(o.sharedEventId ? { sharedEventID: o.sharedEventId } : {}),
    resources: [
      { accountId: o.key.split(':')[4], type: 'AWS::KMS::Key', ARN: o.key },
      ...(o.reEncrypt
        ? [{ accountId: o.reEncrypt.destKey.split(':')[4], type: 'AWS::KMS::Key', ARN: o.reEncrypt.destKey }]
        : []),
    ],
  };
}

export function share(
  at: string,
  region: string,
  owner: string,
  snap: string,
  to: string,
  op: 'add' | 'remove' = 'add',
) {
  return {
    eventVersion: '1.09',
    eventID: id(),
    eventTime: at,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'ModifySnapshotAttribute',
    awsRegion: region,
    recipientAccountId: owner,
    userIdentity: caller(owner),
    requestParameters: {
      snapshotId: snap,
      attributeType: 'CREATE_VOLUME_PERMISSION',
      createVolumePermission: { [op]: { items: [to === 'all' ? { group: 'all' } : { userId: to }] } },
    },
    responseElements: { _return: true },
  };
}

export function sharedCopyInitiated(at: string, region: string, owner: string, copier: string, snap: string) {
  return {
    eventVersion: '1.08',
    eventID: id(),
    eventTime: at,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'SharedSnapshotCopyInitiated',
    awsRegion: region,
    recipientAccountId: owner,
    userIdentity: { accountId: copier, invokedBy: 'ec2.amazonaws.com' },
    eventType: 'AwsServiceEvent',
    requestParameters: null,
    responseElements: null,
    sharedEventID: id(),
    serviceEventDetails: { snapshotId: snap },
  };
}

export function copyDbSnapshot(o: {
  at: string;
  region: string;
  account: string;
  sourceArn: string;
  target: string;
  dbi: string;
  key: string;
}) {
  const requestId = id();
  return {
    eventVersion: '1.11',
    eventID: id(),
    eventTime: o.at,
    eventSource: 'rds.amazonaws.com',
    eventName: 'CopyDBSnapshot',
    awsRegion: o.region,
    recipientAccountId: o.account,
    userIdentity: caller(o.account, 'DbaRole'),
    requestID: requestId,
    requestParameters: {
      sourceDBSnapshotIdentifier: o.sourceArn,
      targetDBSnapshotIdentifier: o.target,
      kmsKeyId: o.key,
    },
    responseElements: {
      dBSnapshotIdentifier: o.target,
      dBSnapshotArn: `arn:aws:rds:${o.region}:${o.account}:snapshot:${o.target}`,
      dbiResourceId: o.dbi,
      kmsKeyId: o.key,
      encrypted: true,
      sourceRegion: o.sourceArn.split(':')[3],
    },
  };
}

let fileNo = 0;
/** Writes the records as one more trail file and ingests it (a later file, as a later delivery). */
export async function deliver(store: Store, dir: string, records: unknown[]): Promise<void> {
  fileNo++;
  const file = join(dir, `delivery-${String(fileNo).padStart(4, '0')}.json.gz`);
  writeFileSync(file, gzipSync(JSON.stringify({ Records: records })));
  await ingestDir(store, [file]);
}
