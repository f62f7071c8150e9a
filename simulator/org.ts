// The fake AWS organization: accounts, regions, principals and KMS keys the scenarios act on.
import type { Rng } from './random.ts';

export const ORG_ID = 'o-7k2m9x4q1z';

export interface Account {
  id: string;
  name: string;
  /** false for the external account: in no organization, its trail is not ours to read. */
  inOrg: boolean;
}

export const ACCOUNTS = {
  management: { id: '210987654321', name: 'management', inOrg: true },
  prodApp: { id: '351842270915', name: 'prod-app', inOrg: true },
  prodData: { id: '468213579024', name: 'prod-data', inOrg: true },
  dev: { id: '579324681135', name: 'dev', inOrg: true },
  vault: { id: '682435792246', name: 'backup-vault', inOrg: true },
  security: { id: '793546803357', name: 'security', inOrg: true },
  external: { id: '904657914468', name: 'external-partner', inOrg: false },
} as const satisfies Record<string, Account>;

export const ORG_ACCOUNTS: Account[] = Object.values(ACCOUNTS).filter((a) => a.inOrg);

/** US, EU, UK, APAC and Canada; the first is the organization's home region. */
export const REGIONS = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'eu-west-2',
  'ap-southeast-2',
  'ap-northeast-1',
  'ca-central-1',
] as const;
export type Region = (typeof REGIONS)[number];

/** Most noise happens in a few regions, as in real organizations. */
export const REGION_WEIGHTS: readonly (readonly [Region, number])[] = [
  ['us-east-1', 40],
  ['us-west-2', 15],
  ['eu-west-1', 20],
  ['eu-central-1', 8],
  ['eu-west-2', 6],
  ['ap-southeast-2', 5],
  ['ap-northeast-1', 4],
  ['ca-central-1', 2],
];

export interface Principal {
  kind: 'iam_user' | 'role' | 'sso' | 'backup_role' | 'dlm_role';
  account: Account;
  roleName?: string;
  session?: string;
  userName?: string;
  principalId: string;
  accessKeyPrefix: 'AKIA' | 'ASIA';
}

export function keyArn(region: string, account: string, keyId: string): string {
  return `arn:aws:kms:${region}:${account}:key/${keyId}`;
}

export interface Key {
  arn: string;
  keyId: string;
  region: string;
  account: string;
  alias: string;
  awsManaged: boolean;
}

/** Deterministic keys: customer-managed keys per account and region, AWS-managed aws/ebs, one MRK pair. */
export class KeyRing {
  private readonly keys = new Map<string, Key>();
  readonly mrkId: string;
  constructor(private readonly rng: Rng) {
    this.mrkId = `mrk-${rng.hex(32)}`;
  }
  private make(region: string, account: string, alias: string, awsManaged: boolean, keyId?: string): Key {
    const k = `${region}|${account}|${alias}`;
    let key = this.keys.get(k);
    if (!key) {
      const id = keyId ?? this.rng.uuid();
      key = { arn: keyArn(region, account, id), keyId: id, region, account, alias, awsManaged };
      this.keys.set(k, key);
    }
    return key;
  }
  cmk(region: string, account: string, purpose: 'ebs' | 'rds' | 'backup' | 'app' = 'ebs'): Key {
    return this.make(region, account, `alias/${purpose}-cmk`, false);
  }
  awsEbs(region: string, account: string): Key {
    return this.make(region, account, 'alias/aws/ebs', true);
  }
  mrk(region: string, account: string): Key {
    return this.make(region, account, 'alias/dr-mrk', false, this.mrkId);
  }
}

export function makePrincipals(rng: Rng): Record<string, Principal> {
  const role = (account: Account, roleName: string, session: string): Principal => ({
    kind: 'role',
    account,
    roleName,
    session,
    principalId: `AROA${rng.alnum(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    accessKeyPrefix: 'ASIA',
  });
  return {
    drOperator: role(ACCOUNTS.prodApp, 'DrOperator', 'dr-automation'),
    dataDr: role(ACCOUNTS.prodData, 'DataPlatformDr', 'snapshot-replicator'),
    dba: {
      ...role(ACCOUNTS.prodData, 'AWSReservedSSO_DatabaseAdmin_5c1f9e0a2b3d4e6f', 'maria.rossi@example.com'),
      kind: 'sso',
    },
    vaultCopier: role(ACCOUNTS.vault, 'VaultIngest', 'vault-copy'),
    amiPipeline: role(ACCOUNTS.dev, 'AmiPipeline', 'ami-pipeline'),
    devUser: {
      kind: 'iam_user',
      account: ACCOUNTS.dev,
      userName: 'jenkins-ci',
      principalId: `AIDA${rng.alnum(17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
      accessKeyPrefix: 'AKIA',
    },
    backupRole: {
      ...role(ACCOUNTS.prodApp, 'AWSBackupDefaultServiceRole', 'AWSBackup-AWSBackupDefaultServiceRole'),
      kind: 'backup_role',
    },
    dlmRole: {
      ...role(ACCOUNTS.prodApp, 'AWSDataLifecycleManagerDefaultRole', 'DataLifecycleManager'),
      kind: 'dlm_role',
    },
    orgAdmin: {
      ...role(
        ACCOUNTS.management,
        'AWSReservedSSO_AdministratorAccess_0a9b8c7d6e5f4a3b',
        'li.wei@example.com',
      ),
      kind: 'sso',
    },
    auditor: role(ACCOUNTS.security, 'SecurityAudit', 'config-recorder'),
    externalActor: role(ACCOUNTS.external, 'Importer', 'import-job'),
  };
}
