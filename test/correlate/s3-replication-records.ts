// CloudTrail records of S3 replication for the correlator's tests: the bucket-level management
// calls (PutBucketReplication, DeleteBucketReplication, PutBucketEncryption, CreateBucket) and the
// KMS calls a replication role makes per object. Shapes inferred from the S3 and KMS API references
// (requestParameters as S3 logs its XML bodies); no real record seen.
type Rec = Record<string, unknown>;

export const A1 = '111122223333';
export const A2 = '444455556666';
export const roleArn = (account: string, name = 'S3ReplicationRole', path = 'service-role/') =>
  `arn:aws:iam::${account}:role/${path}${name}`;

/** The session S3 opens with the configuration's role; `issuer: false` logs the session ARN only. */
export function roleSession(role: string, issuer = true): Rec {
  const account = role.split(':')[4]!;
  const name = role.replace(/^.*\//, '');
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:s3-replication`,
    arn: `arn:aws:sts::${account}:assumed-role/${name}/s3-replication`,
    accountId: account,
    ...(issuer
      ? { sessionContext: { sessionIssuer: { type: 'Role', arn: role, accountId: account, userName: name } } }
      : {}),
    invokedBy: 's3.amazonaws.com',
  };
}

const person = (account: string) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${account}:assumed-role/StorageAdmin/alice`,
  accountId: account,
  sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/StorageAdmin` } },
});

function s3Call(o: {
  id: string;
  at: string;
  name: string;
  region: string;
  account: string;
  rp: Rec;
  error?: string;
}) {
  return {
    eventVersion: '1.11',
    eventID: o.id,
    eventTime: o.at,
    eventSource: 's3.amazonaws.com',
    eventName: o.name,
    awsRegion: o.region,
    recipientAccountId: o.account,
    userIdentity: person(o.account),
    requestID: `req-${o.id}`,
    requestParameters: o.rp,
    responseElements: null,
    eventCategory: 'Management',
    managementEvent: true,
    ...(o.error ? { errorCode: o.error, errorMessage: 'refused' } : {}),
  };
}

export function rule(o: { id?: string; dest: string; account?: string; key?: string; status?: string }): Rec {
  return {
    ID: o.id ?? `to-${o.dest}`,
    Status: o.status ?? 'Enabled',
    Priority: 1,
    Filter: { Prefix: '' },
    DeleteMarkerReplication: { Status: 'Disabled' },
    SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
    Destination: {
      Bucket: `arn:aws:s3:::${o.dest}`,
      ...(o.account ? { Account: o.account, AccessControlTranslation: { Owner: 'Destination' } } : {}),
      ...(o.key ? { EncryptionConfiguration: { ReplicaKmsKeyID: o.key } } : {}),
    },
  };
}

export function putReplication(o: {
  id: string;
  at: string;
  region: string;
  account?: string;
  bucket: string;
  role?: string;
  rules: Rec | Rec[];
  error?: string;
}) {
  const account = o.account ?? A1;
  return s3Call({
    id: o.id,
    at: o.at,
    name: 'PutBucketReplication',
    region: o.region,
    account,
    error: o.error,
    rp: {
      bucketName: o.bucket,
      Host: `${o.bucket}.s3.${o.region}.amazonaws.com`,
      replication: '',
      ReplicationConfiguration: {
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        Role: o.role ?? roleArn(account),
        Rule: o.rules,
      },
    },
  });
}

export const deleteReplication = (o: {
  id: string;
  at: string;
  region: string;
  account?: string;
  bucket: string;
}) =>
  s3Call({
    id: o.id,
    at: o.at,
    name: 'DeleteBucketReplication',
    region: o.region,
    account: o.account ?? A1,
    rp: { bucketName: o.bucket, Host: `${o.bucket}.s3.${o.region}.amazonaws.com`, replication: '' },
  });

export const putEncryption = (o: {
  id: string;
  at: string;
  region: string;
  account?: string;
  bucket: string;
  key?: string;
}) =>
  s3Call({
    id: o.id,
    at: o.at,
    name: 'PutBucketEncryption',
    region: o.region,
    account: o.account ?? A1,
    rp: {
      bucketName: o.bucket,
      Host: `${o.bucket}.s3.${o.region}.amazonaws.com`,
      encryption: '',
      ServerSideEncryptionConfiguration: {
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        Rule: {
          ApplyServerSideEncryptionByDefault: o.key
            ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: o.key }
            : { SSEAlgorithm: 'AES256' },
          BucketKeyEnabled: false,
        },
      },
    },
  });

export const createBucket = (o: {
  id: string;
  at: string;
  region: string;
  account?: string;
  bucket: string;
}) =>
  s3Call({
    id: o.id,
    at: o.at,
    name: 'CreateBucket',
    region: o.region,
    account: o.account ?? A1,
    rp: {
      bucketName: o.bucket,
      Host: `${o.bucket}.s3.${o.region}.amazonaws.com`,
      ...(o.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: o.region } }),
    },
  });

/** A KMS call for one object: `s3arn` is the bucket ARN (bucket key on) or the object's ARN. */
export function s3Kms(o: {
  id: string;
  at: string;
  name: 'Decrypt' | 'GenerateDataKey' | 'Encrypt';
  key: string;
  s3arn: string;
  identity: Rec;
  recipient?: string;
  error?: string;
  sharedEventId?: string;
}): Rec {
  const region = o.key.split(':')[3]!;
  return {
    eventVersion: '1.11',
    eventID: o.id,
    eventTime: o.at,
    eventSource: 'kms.amazonaws.com',
    eventName: o.name,
    awsRegion: region,
    recipientAccountId: o.recipient ?? (o.identity.accountId as string),
    userIdentity: o.identity,
    sourceIPAddress: 's3.amazonaws.com',
    userAgent: 's3.amazonaws.com',
    requestID: `req-${o.id}`,
    requestParameters: {
      ...(o.name === 'Decrypt' ? {} : { keyId: o.key }),
      encryptionContext: { 'aws:s3:arn': o.s3arn },
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      ...(o.name === 'GenerateDataKey' ? { keySpec: 'AES_256' } : {}),
    },
    responseElements: null,
    ...(o.error ? { errorCode: o.error, errorMessage: 'User is not authorized to perform kms action' } : {}),
    ...(o.sharedEventId ? { sharedEventID: o.sharedEventId } : {}),
    readOnly: true,
    resources: [{ accountId: o.key.split(':')[4], type: 'AWS::KMS::Key', ARN: o.key }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    eventCategory: 'Management',
  };
}
