// Each copy scenario, run alone, writes the records its reference section lists, in the region and
// account trail AWS delivers them to (reference §2–§5): name, region and trail, in emitted order.
import { describe, expect, it } from 'vitest';
import { Ebs } from '../../simulator/ebs.ts';
import { ACCOUNTS, KeyRing, makePrincipals } from '../../simulator/org.ts';
import { Rng } from '../../simulator/random.ts';
import { type CTRecord, RecordFactory } from '../../simulator/records.ts';
import { backupPlanCopy } from '../../simulator/scenarios/backup.ts';
import { vaultCrossAccount } from '../../simulator/scenarios/cross-account.ts';
import { amiCopy, ebsNightlyDr, mrkCopy } from '../../simulator/scenarios/ebs-ami.ts';
import { externalShare, failedCopy } from '../../simulator/scenarios/edge-cases.ts';
import { rdsCrossRegion } from '../../simulator/scenarios/rds.ts';
import type { Scene } from '../../simulator/scenarios/scene.ts';

const DAY0 = Date.parse('2026-03-01T00:00:00Z');
const accountName = new Map<string, string>(Object.values(ACCOUNTS).map((a) => [a.id, a.name]));

function run(scenario: (s: Scene) => void): CTRecord[] {
  const rng = new Rng(1);
  const f = new RecordFactory(rng);
  const records: CTRecord[] = [];
  const emit = (rec: CTRecord) => records.push(rec);
  scenario({ rng, f, keys: new KeyRing(rng), p: makePrincipals(rng), ebs: new Ebs(rng, f, emit), emit });
  return records;
}

const script = (records: CTRecord[]) =>
  records.map((r) => `${r.eventName} ${r.awsRegion} ${accountName.get(r.recipientAccountId)}`);

// the source key's grant, grantee Decrypt and RetireGrant of one EBS copy, after its destination records
const sourceSide = (region: string, trail: string) => [
  `CreateGrant ${region} ${trail}`,
  `Decrypt ${region} ${trail}`,
  `RetireGrant ${region} ${trail}`,
];

describe('copy scenarios', () => {
  it('ebsNightlyDr: a cross-region copy, then a copy of that copy (a chain), in the copier account', () => {
    expect(script(run((s) => ebsNightlyDr(s, DAY0, 'vol-1')))).toEqual([
      'CreateSnapshot us-east-1 prod-app',
      'CopySnapshot us-west-2 prod-app',
      'DescribeKey us-west-2 prod-app',
      'GenerateDataKeyWithoutPlaintext us-west-2 prod-app',
      ...sourceSide('us-east-1', 'prod-app'),
      'CopySnapshot ca-central-1 prod-app',
      'DescribeKey ca-central-1 prod-app',
      'GenerateDataKeyWithoutPlaintext ca-central-1 prod-app',
      ...sourceSide('us-west-2', 'prod-app'),
    ]);
  });

  it('mrkCopy: the destination key is the replica of the source key', () => {
    const records = run((s) => mrkCopy(s, DAY0, 'vol-1'));
    expect(script(records)).toEqual([
      'CreateSnapshot us-east-1 prod-data',
      'CopySnapshot eu-west-1 prod-data',
      'DescribeKey eu-west-1 prod-data',
      'GenerateDataKeyWithoutPlaintext eu-west-1 prod-data',
      ...sourceSide('us-east-1', 'prod-data'),
    ]);
    const keyIds = records
      .filter((r) => r.eventSource === 'kms.amazonaws.com')
      .map((r) => (r.resources as { ARN: string }[])[0]!.ARN.split('/')[1]);
    expect(new Set(keyIds).size).toBe(1);
    expect(keyIds[0]).toMatch(/^mrk-/);
  });

  it('amiCopy: CreateImage, CopyImage in the destination region and a data key for its snapshot', () => {
    expect(script(run((s) => amiCopy(s, DAY0)))).toEqual([
      'CreateImage us-east-1 dev',
      'CopyImage eu-central-1 dev',
      'GenerateDataKeyWithoutPlaintext eu-central-1 dev',
    ]);
  });

  it("vaultCrossAccount: share, the vault's copy with KMS in both trails, owner event, unshare, second copy", () => {
    expect(script(run((s) => vaultCrossAccount(s, DAY0, 'vol-1')))).toEqual([
      'CreateSnapshot eu-west-1 prod-data',
      'ModifySnapshotAttribute eu-west-1 prod-data',
      'CopySnapshot eu-west-1 backup-vault',
      'DescribeKey eu-west-1 backup-vault',
      'ReEncrypt eu-west-1 backup-vault',
      'ReEncrypt eu-west-1 prod-data',
      'CreateGrant eu-west-1 backup-vault',
      'CreateGrant eu-west-1 prod-data',
      'Decrypt eu-west-1 prod-data',
      'Decrypt eu-west-1 backup-vault',
      'RetireGrant eu-west-1 prod-data',
      'SharedSnapshotCopyInitiated eu-west-1 prod-data',
      'ModifySnapshotAttribute eu-west-1 prod-data',
      'CopySnapshot eu-central-1 backup-vault',
      'DescribeKey eu-central-1 backup-vault',
      'GenerateDataKeyWithoutPlaintext eu-central-1 backup-vault',
      ...sourceSide('eu-west-1', 'backup-vault'),
    ]);
  });

  it('backupPlanCopy: the backup role copies between the job events of AWS Backup', () => {
    expect(script(run((s) => backupPlanCopy(s, DAY0, 'vol-1')))).toEqual([
      'BackupJobStarted us-east-1 prod-app',
      'CreateSnapshot us-east-1 prod-app',
      'CopyJobStarted us-east-1 prod-app',
      'CopySnapshot us-west-2 prod-app',
      'DescribeKey us-west-2 prod-app',
      'GenerateDataKeyWithoutPlaintext us-west-2 prod-app',
      ...sourceSide('us-east-1', 'prod-app'),
      'CopyJobCompleted us-east-1 prod-app',
    ]);
  });

  it('rdsCrossRegion: the copy call and its grant in the destination, background KMS on both keys', () => {
    expect(script(run((s) => rdsCrossRegion(s, DAY0, 'orders', 'db-X')))).toEqual([
      'CreateDBSnapshot us-east-1 prod-data',
      'CopyDBSnapshot us-west-2 prod-data',
      'DescribeKey us-west-2 prod-data',
      'CreateGrant us-west-2 prod-data',
      'Decrypt us-east-1 prod-data',
      'GenerateDataKey us-west-2 prod-data',
    ]);
  });

  it('failedCopy: one CopySnapshot with an error code and nothing in KMS', () => {
    const records = run((s) => failedCopy(s, DAY0));
    expect(script(records)).toEqual(['CopySnapshot eu-west-1 dev']);
    expect(records[0]!.errorCode).toBe('Client.InvalidSnapshot.NotFound');
  });

  it("externalShare: only the owner's side of a copy made by an account outside the organization", () => {
    const records = run((s) => externalShare(s, DAY0, 'vol-1'));
    expect(script(records)).toEqual([
      'CreateSnapshot us-east-1 prod-data',
      'ModifySnapshotAttribute us-east-1 prod-data',
      'SharedSnapshotCopyInitiated us-east-1 prod-data',
      'CreateGrant us-east-1 prod-data',
      'Decrypt us-east-1 prod-data',
      'ModifyDBSnapshotAttribute us-east-1 prod-data',
    ]);
    expect(records.some((r) => r.eventName === 'CopySnapshot')).toBe(false);
  });

  it('stamps every record to the second in UTC, as CloudTrail does', () => {
    const records = run((s) => {
      ebsNightlyDr(s, DAY0, 'vol-1');
      backupPlanCopy(s, DAY0, 'vol-2');
    });
    for (const r of records) expect(r.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});
