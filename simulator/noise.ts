// Everyday activity that has nothing to do with copies: most of any real trail. It includes the
// look-alikes a correlator must not mistake for copy evidence (KMS for volumes, SSM, Secrets Manager).
import { isoSeconds } from '../core/time.ts';
import type { Ebs } from './ebs.ts';
import { type KeyRing, ORG_ACCOUNTS, type Principal, REGION_WEIGHTS } from './org.ts';
import type { Rng } from './random.ts';
import type { Emit, RecordFactory } from './records.ts';

type NoiseKind =
  | 'ec2_describe'
  | 'assume_role'
  | 's3_bucket'
  | 'console_signin'
  | 'kms_ssm'
  | 'kms_secrets'
  | 'volume_lifecycle'
  | 'kms_describe'
  | 'rds_describe'
  | 'iam_read'
  | 'ssm_read'
  | 'throttled';

const KINDS: readonly (readonly [NoiseKind, number])[] = [
  ['ec2_describe', 28],
  ['assume_role', 14],
  ['s3_bucket', 9],
  ['console_signin', 1],
  ['kms_ssm', 9],
  ['kms_secrets', 6],
  ['volume_lifecycle', 2],
  ['kms_describe', 3],
  ['rds_describe', 6],
  ['iam_read', 6],
  ['ssm_read', 12],
  ['throttled', 4],
];

export class Noise {
  private readonly people: Principal[];
  constructor(
    private readonly rng: Rng,
    private readonly f: RecordFactory,
    private readonly keys: KeyRing,
    principals: Record<string, Principal>,
    private readonly ebs: Ebs,
    private readonly emit: Emit,
  ) {
    this.people = Object.values(principals).filter((p) => p.account.inOrg);
  }

  /** Emits one noise happening at `at`; returns how many records it wrote. */
  one(at: number): number {
    const kind = this.rng.weighted(KINDS);
    const region =
      kind === 'console_signin' || kind === 'iam_read' ? 'us-east-1' : this.rng.weighted(REGION_WEIGHTS);
    const p = this.rng.pick(this.people);
    const acct = p.account.id;
    const call = (source: string, name: string, params: unknown, response: unknown = null, readOnly = true) =>
      this.emit(this.f.apiCall({ at, principal: p, source, name, region, params, response, readOnly }));
    switch (kind) {
      case 'ec2_describe': {
        const name = this.rng.pick([
          'DescribeInstances',
          'DescribeVolumes',
          'DescribeSnapshots',
          'DescribeImages',
          'DescribeSecurityGroups',
          'DescribeSubnets',
        ]);
        call(
          'ec2.amazonaws.com',
          name,
          name === 'DescribeSnapshots' ? { ownersSet: { items: [{ owner: 'self' }] } } : { maxResults: 1000 },
        );
        return 1;
      }
      case 'assume_role': {
        const session = `${this.rng.pick(['terraform', 'lambda', 'ecs-task', 'github-actions'])}-${this.rng.hex(6)}`;
        this.emit({
          ...this.f.apiCall({
            at,
            principal: p,
            source: 'sts.amazonaws.com',
            name: 'AssumeRole',
            region,
            readOnly: true,
            params: {
              roleArn: `arn:aws:iam::${this.rng.pick(ORG_ACCOUNTS).id}:role/Deployer`,
              roleSessionName: session,
              durationSeconds: 3600,
            },
            response: {
              credentials: {
                accessKeyId: `ASIA${this.rng.alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
                sessionToken: 'HIDDEN_DUE_TO_SECURITY_REASONS',
                expiration: 'Mar 2, 2026, 2:00:00 PM',
              },
              assumedRoleUser: {
                assumedRoleId: `AROA${this.rng.alnum(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}:${session}`,
                arn: `arn:aws:sts::${acct}:assumed-role/Deployer/${session}`,
              },
            },
          }),
          resources: [{ accountId: acct, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${acct}:role/Deployer` }],
        });
        return 1;
      }
      case 's3_bucket': {
        const bucket = `${this.rng.pick(['orders', 'logs', 'analytics', 'artifacts'])}-${acct}`;
        call(
          's3.amazonaws.com',
          this.rng.pick(['GetBucketAcl', 'GetBucketPolicy', 'GetBucketEncryption', 'ListBuckets']),
          { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com` },
        );
        return 1;
      }
      case 'console_signin': {
        this.emit({
          eventVersion: '1.08',
          userIdentity: {
            type: 'AssumedRole',
            principalId: `${p.principalId}:${p.session ?? 'console'}`,
            arn: this.f.arnOf(p),
            accountId: acct,
          },
          eventTime: isoSeconds(at),
          eventSource: 'signin.amazonaws.com',
          eventName: 'ConsoleLogin',
          awsRegion: 'us-east-1',
          sourceIPAddress: this.f.sourceIpFor(p),
          userAgent:
            'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
          requestParameters: null,
          responseElements: { ConsoleLogin: 'Success' },
          additionalEventData: { MobileVersion: 'No', MFAUsed: 'Yes' },
          eventID: this.f.uuid(),
          readOnly: false,
          eventType: 'AwsConsoleSignIn',
          managementEvent: true,
          recipientAccountId: acct,
          eventCategory: 'Management',
        });
        return 1;
      }
      case 'kms_ssm': {
        const key = this.keys.cmk(region, acct, 'app');
        const param = `arn:aws:ssm:${region}:${acct}:parameter/app/${this.rng.pick(['db-password', 'api-token', 'feature-flags'])}`;
        this.emit(
          this.f.kmsCall({
            at,
            name: this.rng.chance(0.8) ? 'Decrypt' : 'Encrypt',
            key,
            identity: this.f.identity(p, at, 'ssm.amazonaws.com'),
            via: 'ssm.amazonaws.com',
            recipient: acct,
            params: { encryptionContext: { PARAMETER_ARN: param }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
          }),
        );
        return 1;
      }
      case 'kms_secrets': {
        const key = this.keys.cmk(region, acct, 'app');
        const secret = `arn:aws:secretsmanager:${region}:${acct}:secret:prod/orders/db-${this.rng.alnum(6)}`;
        this.emit(
          this.f.kmsCall({
            at,
            name: this.rng.chance(0.7) ? 'Decrypt' : 'GenerateDataKey',
            key,
            identity: this.f.identity(p, at, 'secretsmanager.amazonaws.com'),
            via: 'secretsmanager.amazonaws.com',
            recipient: acct,
            params: {
              encryptionContext: { SecretARN: secret, SecretVersionId: this.f.uuid() },
              keySpec: 'AES_256',
            },
          }),
        );
        return 1;
      }
      case 'volume_lifecycle': {
        // a volume created and attached: KMS with vol-… contexts that belong to no copy
        const key = this.rng.chance(0.7) ? this.keys.cmk(region, acct) : this.keys.awsEbs(region, acct);
        const vol = this.ebs.createVolume(at, p, region, key);
        const instance = this.f.instanceId();
        const requestId = this.f.uuid();
        this.emit(
          this.f.apiCall({
            at: at + 60_000,
            principal: p,
            source: 'ec2.amazonaws.com',
            name: 'AttachVolume',
            region,
            requestId,
            readOnly: false,
            params: { volumeId: vol, instanceId: instance, device: '/dev/sdf' },
            response: {
              requestId,
              volumeId: vol,
              instanceId: instance,
              device: '/dev/sdf',
              status: 'attaching',
              attachTime: at + 60_000,
            },
          }),
        );
        this.emit(
          this.f.kmsCall({
            at: at + 61_000,
            name: 'CreateGrant',
            key,
            identity: this.f.identity(p, at, 'ec2-frontend-api.amazonaws.com'),
            via: 'ec2-frontend-api.amazonaws.com',
            recipient: acct,
            params: {
              constraints: { encryptionContextSubset: { 'aws:ebs:id': vol } },
              retiringPrincipal: `ec2.${region}.amazonaws.com`,
              operations: ['Decrypt'],
              keyId: key.arn,
              granteePrincipal: `arn:aws:sts::${acct}:assumed-role/aws:ec2-infrastructure/${instance}`,
            },
            response: { grantId: this.rng.hex(64), keyId: key.arn },
            requestId,
            sharedEventId: this.f.uuid(),
          }),
        );
        this.emit(
          this.f.kmsCall({
            at: at + 62_000,
            name: 'Decrypt',
            key,
            identity: {
              type: 'AssumedRole',
              principalId: `${acct}:aws:ec2-infrastructure:${instance}`,
              arn: `arn:aws:sts::${acct}:assumed-role/aws:ec2-infrastructure/${instance}`,
              accountId: acct,
              invokedBy: 'AWS Internal',
              inScopeOf: {
                issuerType: 'AWS::EC2::Instance',
                credentialsIssuedTo: `arn:aws:ec2:${region}:${acct}:instance/${instance}`,
              },
            },
            via: 'AWS Internal',
            recipient: acct,
            params: { encryptionContext: { 'aws:ebs:id': vol }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
            requestId,
          }),
        );
        return 5;
      }
      case 'kms_describe': {
        const key = this.keys.cmk(region, acct, this.rng.pick(['ebs', 'rds', 'app'] as const));
        this.emit(
          this.f.kmsCall({
            at,
            name: 'DescribeKey',
            key,
            identity: this.f.identity(p, at),
            via: this.f.sourceIpFor(p),
            recipient: acct,
            params: { keyId: this.rng.chance(0.5) ? key.alias : key.arn },
          }),
        );
        return 1;
      }
      case 'rds_describe':
        call(
          'rds.amazonaws.com',
          this.rng.pick(['DescribeDBInstances', 'DescribeDBSnapshots', 'DescribeDBClusters']),
          { maxRecords: 100 },
        );
        return 1;
      case 'iam_read':
        call(
          'iam.amazonaws.com',
          this.rng.pick(['ListRoles', 'GetRole', 'ListPolicies', 'GetAccountAuthorizationDetails']),
          { maxItems: 100 },
        );
        return 1;
      case 'ssm_read':
        call(
          'ssm.amazonaws.com',
          this.rng.pick(['GetParameter', 'DescribeInstanceInformation', 'ListCommands']),
          { name: '/app/feature-flags', withDecryption: false },
        );
        return 1;
      case 'throttled': {
        const rec = this.f.apiCall({
          at,
          principal: p,
          source: 'ec2.amazonaws.com',
          name: 'DescribeSnapshots',
          region,
          readOnly: true,
          params: { maxResults: 1000 },
          response: null,
          error: {
            code: this.rng.pick(['Client.RequestLimitExceeded', 'Client.UnauthorizedOperation']),
            message: 'Request limit exceeded.',
          },
        });
        this.emit(rec);
        return 1;
      }
    }
  }
}
