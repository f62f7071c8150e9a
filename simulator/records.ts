// Builds CloudTrail records the way AWS writes them (reference §1–§5): field names, identity styles,
// EC2 {"items":[…]} lists, epoch-millisecond and Java-style dates, service events without a type.
import { isoSeconds } from '../core/time.ts';
import type { Key, Principal } from './org.ts';
import type { Rng } from './random.ts';

export type CTRecord = Record<string, unknown> & {
  eventTime: string;
  awsRegion: string;
  recipientAccountId: string;
};

/** Where finished records go: the simulator's delivery queue. */
export type Emit = (rec: CTRecord) => void;

/** "Mar 2, 2026, 1:02:10 PM" style used inside RDS and Backup responses. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ];
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

const CLI_AGENTS = [
  'aws-cli/2.22.0 md/awscrt#0.23.4 ua/2.1 os/linux#6.8 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe',
  'Boto3/1.36.0 md/Botocore#1.36.0 ua/2.1 os/linux#6.1 md/arch#x86_64 lang/python#3.12.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.36.0',
  'aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.4 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.198.1',
  'APN/1.0 HashiCorp/1.0 Terraform/1.10.3 (+https://www.terraform.io) terraform-provider-aws/5.82.2',
  'aws-sdk-java/2.29.43 Linux/6.1 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. md/internal exec-env/AWS_Lambda_java21',
];

export class RecordFactory {
  constructor(private readonly rng: Rng) {}

  arnOf(p: Principal): string {
    if (p.kind === 'iam_user') return `arn:aws:iam::${p.account.id}:user/${p.userName}`;
    return `arn:aws:sts::${p.account.id}:assumed-role/${p.roleName}/${p.session}`;
  }

  roleArnOf(p: Principal): string {
    const path =
      p.kind === 'backup_role' ? 'service-role/' : p.kind === 'sso' ? 'aws-reserved/sso.amazonaws.com/' : '';
    return `arn:aws:iam::${p.account.id}:role/${path}${p.roleName}`;
  }

  /** The caller's own identity (a person, a pipeline or a service role). */
  identity(p: Principal, at: number, invokedBy?: string): Record<string, unknown> {
    const key = `${p.accessKeyPrefix}${this.rng.alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    if (p.kind === 'iam_user') {
      return {
        type: 'IAMUser',
        principalId: p.principalId,
        arn: this.arnOf(p),
        accountId: p.account.id,
        accessKeyId: key,
        userName: p.userName,
        ...(invokedBy ? { invokedBy } : {}),
      };
    }
    return {
      type: 'AssumedRole',
      principalId: `${p.principalId}:${p.session}`,
      arn: this.arnOf(p),
      accountId: p.account.id,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: p.principalId,
          arn: this.roleArnOf(p),
          accountId: p.account.id,
          userName: p.roleName,
        },
        attributes: {
          creationDate: isoSeconds(at - this.rng.int(60, 3000) * 1000),
          mfaAuthenticated: String(p.kind === 'sso'),
        },
      },
      ...(p.kind === 'backup_role' ? { invokedBy: 'backup.amazonaws.com' } : invokedBy ? { invokedBy } : {}),
    };
  }

  /** A service acting as itself (the second identity style of service-made KMS calls). */
  serviceIdentity(invokedBy: string): Record<string, unknown> {
    return { type: 'AWSService', invokedBy };
  }

  agentFor(p: Principal): string {
    if (p.kind === 'backup_role') return 'backup.amazonaws.com';
    if (p.kind === 'dlm_role') return 'dlm.amazonaws.com';
    if (p.kind === 'sso') return this.rng.chance(0.5) ? 'console.ec2.amazonaws.com' : CLI_AGENTS[0]!;
    return this.rng.pick(CLI_AGENTS);
  }

  sourceIpFor(p: Principal): string {
    if (p.kind === 'backup_role') return 'backup.amazonaws.com';
    if (p.kind === 'dlm_role') return 'dlm.amazonaws.com';
    return `${this.rng.pick(['198.51.100', '203.0.113', '192.0.2', '100.24.7'])}.${this.rng.int(2, 250)}`;
  }

  /** An API call made by a principal. */
  apiCall(args: {
    at: number;
    principal: Principal;
    source: string;
    name: string;
    region: string;
    params: unknown;
    response: unknown;
    readOnly: boolean;
    requestId?: string;
    error?: { code: string; message: string };
    resources?: unknown[];
    version?: string;
  }): CTRecord {
    const requestId = args.requestId ?? this.rng.uuid();
    const host = `${args.source.replace('.amazonaws.com', '')}.${args.region}.amazonaws.com`;
    const isService = args.principal.kind === 'backup_role' || args.principal.kind === 'dlm_role';
    const rec: CTRecord = {
      eventVersion: args.version ?? this.rng.pick(['1.09', '1.10', '1.11', '1.11']),
      userIdentity: this.identity(args.principal, args.at),
      eventTime: isoSeconds(args.at),
      eventSource: args.source,
      eventName: args.name,
      awsRegion: args.region,
      sourceIPAddress: this.sourceIpFor(args.principal),
      userAgent: this.agentFor(args.principal),
      ...(args.error ? { errorCode: args.error.code, errorMessage: args.error.message } : {}),
      requestParameters: args.params,
      responseElements: args.error ? null : args.response,
      requestID: requestId,
      eventID: this.rng.uuid(),
      readOnly: args.readOnly,
      ...(args.resources ? { resources: args.resources } : {}),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: args.principal.account.id,
      eventCategory: 'Management',
      ...(isService
        ? {}
        : {
            tlsDetails: {
              tlsVersion: 'TLSv1.3',
              cipherSuite: 'TLS_AES_128_GCM_SHA256',
              clientProvidedHostHeader: host,
            },
          }),
    };
    return rec;
  }

  /**
   * A KMS call made for an AWS service: either the caller's identity with invokedBy, or AWSService.
   * Lands in the key's region and the caller's trail; `recipient` differs for the key owner's copy.
   */
  kmsCall(args: {
    at: number;
    name: string;
    key: Key;
    identity: Record<string, unknown>;
    via: string;
    recipient: string;
    params: Record<string, unknown>;
    response?: unknown;
    requestId?: string;
    sharedEventId?: string;
    eventId?: string;
    resourcesOverride?: unknown[];
  }): CTRecord {
    return {
      eventVersion: '1.11',
      userIdentity: args.identity,
      eventTime: isoSeconds(args.at),
      eventSource: 'kms.amazonaws.com',
      eventName: args.name,
      awsRegion: args.key.region,
      sourceIPAddress: args.via,
      userAgent: args.via,
      requestParameters: args.params,
      responseElements: args.response ?? null,
      additionalEventData:
        args.name === 'RetireGrant' ? { grantId: this.rng.hex(64) } : { keyMaterialId: this.rng.hex(64) },
      requestID: args.requestId ?? this.rng.uuid(),
      eventID: args.eventId ?? this.rng.uuid(),
      readOnly: args.name !== 'CreateGrant' && args.name !== 'RetireGrant',
      resources: args.resourcesOverride ?? [
        { accountId: args.key.account, type: 'AWS::KMS::Key', ARN: args.key.arn },
      ],
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: args.recipient,
      ...(args.sharedEventId ? { sharedEventID: args.sharedEventId } : {}),
      ...(args.via.startsWith('ec2-frontend')
        ? { vpcEndpointId: 'AWS Internal', vpcEndpointAccountId: 'AWS Internal' }
        : {}),
      eventCategory: 'Management',
    };
  }

  /** An owner-side service event such as SharedSnapshotCopyInitiated (reference §2.4). */
  serviceEvent(args: {
    at: number;
    source: string;
    name: string;
    region: string;
    recipient: string;
    identity: Record<string, unknown>;
    details: unknown;
    sharedEventId?: string;
  }): CTRecord {
    const host = args.source;
    return {
      eventVersion: '1.08',
      userIdentity: args.identity,
      eventTime: isoSeconds(args.at),
      eventSource: args.source,
      eventName: args.name,
      awsRegion: args.region,
      sourceIPAddress: host,
      userAgent: host,
      requestParameters: null,
      responseElements: null,
      eventID: this.rng.uuid(),
      readOnly: false,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: args.recipient,
      ...(args.sharedEventId ? { sharedEventID: args.sharedEventId } : {}),
      serviceEventDetails: args.details,
      eventCategory: 'Management',
    };
  }

  snapId(): string {
    return `snap-${this.rng.hex(17)}`;
  }
  volId(): string {
    return `vol-${this.rng.hex(17)}`;
  }
  amiId(): string {
    return `ami-${this.rng.hex(17)}`;
  }
  instanceId(): string {
    return `i-${this.rng.hex(17)}`;
  }
  dbiResourceId(): string {
    return `db-${this.rng.alnum(26, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  }
  uuid(): string {
    return this.rng.uuid();
  }
}
