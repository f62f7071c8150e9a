// The simulator writes what AWS would write (reference §1–§6), deterministically, in the org-trail layout.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkPaths } from '../../ingest/dir.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { parseLayout } from '../../ingest/layout.ts';
import { CloudTrailRecord } from '../../ingest/record-schema.ts';
import { ACCOUNTS, ORG_ID } from '../../simulator/org.ts';
import { simulate } from '../../simulator/simulate.ts';
import { count, memoryStore, tempDir } from '../helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: simulated records are free-form JSON, read as AWS wrote them
type Rec = Record<string, any>;
interface File {
  path: string;
  records: Rec[];
}

function readTree(dir: string): File[] {
  const logs = walkPaths([dir]).files.filter((f) => f.location.includes('/CloudTrail/'));
  return logs.map((f) => ({
    path: relative(dir, f.location),
    records: JSON.parse(gunzipSync(readFileSync(f.location)).toString('utf8')).Records,
  }));
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of walkPaths([dir]).files)
    h.update(f.location.slice(dir.length)).update(readFileSync(f.location));
  return h.digest('hex');
}

const byName = (records: Rec[], name: string) => records.filter((r) => r.eventName === name);

describe('simulator', () => {
  let dir: string;
  let files: File[];
  let all: Rec[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'copytrail-sim-'));
    simulate({ out: dir, events: 4000, days: 4, seed: 7 });
    files = readTree(dir);
    all = files.flatMap((f) => f.records);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is deterministic by seed, and a different seed writes a different organization', () => {
    // a day is enough to cover every scenario kind; two runs of it must agree byte for byte
    const small = (seed: number) => {
      const out = tempDir('copytrail-sim-');
      simulate({ out, events: 1500, days: 1, seed });
      return treeHash(out);
    };
    const first = small(7);
    expect(small(7)).toBe(first);
    expect(small(8)).not.toBe(first);
  });

  it('writes about the number of records asked for, mostly unrelated noise', () => {
    expect(all.length).toBeGreaterThan(3600);
    expect(all.length).toBeLessThan(4800);
    const copies = all.filter((r) => /^Copy/.test(r.eventName));
    expect(copies.length / all.length).toBeLessThan(0.05);
    expect(new Set(all.map((r) => r.eventSource)).size).toBeGreaterThanOrEqual(8);
    expect(byName(all, 'ConsoleLogin').length).toBeGreaterThan(0);
    expect(all.some((r) => r.requestParameters?.encryptionContext?.PARAMETER_ARN)).toBe(true);
    expect(all.some((r) => r.requestParameters?.encryptionContext?.SecretARN)).toBe(true);
  });

  it('validates against the record schema', () => {
    for (const r of all) {
      const parsed = CloudTrailRecord.safeParse(r);
      expect(parsed.success, `${r.eventName} ${r.eventID}`).toBe(true);
    }
  });

  it('uses the organization-trail S3 layout; each file holds one account and region, matching its key', () => {
    const accounts = new Set<string>();
    const regions = new Set<string>();
    for (const f of files) {
      const layout = parseLayout(f.path);
      expect(layout.orgId).toBe(ORG_ID);
      expect(f.path).toMatch(
        /^AWSLogs\/o-[a-z0-9]+\/\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/,
      );
      for (const r of f.records) {
        expect(r.recipientAccountId).toBe(layout.accountId);
        expect(r.awsRegion).toBe(layout.region);
      }
      accounts.add(layout.accountId!);
      regions.add(layout.region!);
    }
    expect(accounts.size).toBe(6); // the external account's trail is not ours
    expect(accounts.has(ACCOUNTS.external.id)).toBe(false);
    expect(regions.size).toBeGreaterThanOrEqual(6);
    expect([...regions].some((r) => r.startsWith('eu-'))).toBe(true);
    expect(regions.has('eu-west-2')).toBe(true);
    expect([...regions].some((r) => r.startsWith('ap-'))).toBe(true);
  });

  it('delivers some records late (into a later day folder) and some twice', () => {
    const ids = new Map<string, number>();
    for (const r of all) ids.set(r.eventID, (ids.get(r.eventID) ?? 0) + 1);
    expect([...ids.values()].some((n) => n > 1)).toBe(true);
    const late = files.filter((f) =>
      f.records.some(
        (r) => r.eventTime.slice(0, 10).replaceAll('-', '/') !== f.path.split('/').slice(5, 8).join('/'),
      ),
    );
    expect(late.length).toBeGreaterThan(0);
  });

  it('writes CopySnapshot in the destination region with the source in requestParameters', () => {
    const copies = byName(all, 'CopySnapshot').filter((r) => !r.errorCode);
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) {
      expect(c.requestParameters.sourceSnapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
      expect(c.responseElements.snapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
      expect(c.responseElements.requestId).toBe(c.requestID);
      // the new snapshot's KMS record: same region, context = the new snapshot id
      const kms = all.filter(
        (r) =>
          r.eventSource === 'kms.amazonaws.com' &&
          r.awsRegion === c.awsRegion &&
          (r.requestParameters?.encryptionContext?.['aws:ebs:id'] === c.responseElements.snapshotId ||
            r.requestParameters?.destinationEncryptionContext?.['aws:ebs:id'] ===
              c.responseElements.snapshotId),
      );
      expect(kms.length, `KMS for ${c.responseElements.snapshotId}`).toBeGreaterThan(0);
    }
    expect(copies.some((c) => c.requestParameters.sourceRegion !== c.awsRegion)).toBe(true);
    expect(copies.some((c) => c.requestParameters.kmsKeyId.startsWith('alias/'))).toBe(true);
    expect(copies.some((c) => c.requestParameters.kmsKeyId.startsWith('arn:aws:kms:'))).toBe(true);
    expect(copies.some((c) => c.requestParameters.kmsKeyId.includes('mrk-'))).toBe(true);
    expect(copies.some((c) => c.userIdentity.invokedBy === 'backup.amazonaws.com')).toBe(true);
  });

  it("chains copies: a copy whose source snapshot is an earlier copy's target", () => {
    const copies = byName(all, 'CopySnapshot').filter((r) => !r.errorCode);
    const targets = new Set(copies.map((c) => c.responseElements.snapshotId));
    const chained = copies.filter((c) => targets.has(c.requestParameters.sourceSnapshotId));
    expect(chained.length).toBeGreaterThan(0);
    expect(chained.some((c) => c.recipientAccountId === ACCOUNTS.vault.id)).toBe(true);
  });

  it("puts KMS records in the key region and, for another account's key, in both trails with one sharedEventID", () => {
    const kms = all.filter((r) => r.eventSource === 'kms.amazonaws.com');
    for (const r of kms) {
      const arn = r.resources[0].ARN as string;
      expect(arn.split(':')[3]).toBe(r.awsRegion);
    }
    const reEncrypt = byName(all, 'ReEncrypt');
    const bySharedId = new Map<string, Rec[]>();
    for (const r of reEncrypt)
      bySharedId.set(r.sharedEventID, [...(bySharedId.get(r.sharedEventID) ?? []), r]);
    const pairs = [...bySharedId.values()].filter((g) => g.length === 2);
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs) {
      expect(a!.eventID).not.toBe(b!.eventID);
      // one in the caller's trail, one in the key owner's
      expect(a!.recipientAccountId).not.toBe(b!.recipientAccountId);
      expect([a!.recipientAccountId, b!.recipientAccountId]).toContain(a!.resources[0].accountId);
    }
    expect(
      pairs.some(([a, b]) => [a!.recipientAccountId, b!.recipientAccountId].includes(ACCOUNTS.prodData.id)),
    ).toBe(true);
    // both identity styles for service-made calls
    expect(kms.some((r) => r.userIdentity.type === 'AWSService')).toBe(true);
    expect(
      kms.some((r) => r.userIdentity.type === 'AssumedRole' && r.userIdentity.invokedBy?.startsWith('ec2')),
    ).toBe(true);
    // context-free DescribeKey appears, as it does around real copies
    expect(byName(all, 'DescribeKey').some((r) => !r.requestParameters.encryptionContext)).toBe(true);
  });

  it('writes the owner-side SharedSnapshotCopyInitiated as a service event, type AWSAccount or missing', () => {
    const events = byName(all, 'SharedSnapshotCopyInitiated');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.eventType).toBe('AwsServiceEvent');
      expect(e.requestParameters).toBeNull();
      expect(e.serviceEventDetails.snapshotId).toMatch(/^snap-/);
      expect(e.userIdentity.accountId).not.toBe(e.recipientAccountId);
      expect([undefined, 'AWSAccount']).toContain(e.userIdentity.type);
      expect(e.sharedEventID).toBeTruthy();
    }
    expect(events.some((e) => e.userIdentity.accountId === ACCOUNTS.external.id)).toBe(true);
    const shares = byName(all, 'ModifySnapshotAttribute');
    expect(
      shares.some(
        (s) => s.requestParameters.createVolumePermission.add?.items[0].userId === ACCOUNTS.external.id,
      ),
    ).toBe(true);
    expect(shares.some((s) => s.requestParameters.createVolumePermission.remove)).toBe(true);
  });

  it('writes CopyDBSnapshot with an ARN source, no sourceRegion in the request, and dbiResourceId', () => {
    const rds = byName(all, 'CopyDBSnapshot');
    expect(rds.length).toBeGreaterThan(0);
    for (const r of rds) {
      expect(r.requestParameters.sourceDBSnapshotIdentifier).toMatch(
        /^arn:aws:rds:us-east-1:\d{12}:snapshot:/,
      );
      expect(r.requestParameters.sourceRegion).toBeUndefined();
      expect(r.responseElements.dbiResourceId).toMatch(/^db-[A-Z2-7]{26}$/);
      expect(r.responseElements.instanceCreateTime).toMatch(
        /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/,
      );
      // the call lands in the destination region (us-west-2; eu-west-1 for the vault's one-step copy)
      expect(r.awsRegion).not.toBe('us-east-1');
    }
    expect(all.some((r) => r.requestParameters?.encryptionContext?.['aws:rds:db-id'])).toBe(true);
  });

  it('writes an AMI copy, a failed copy with its error code, and Backup copy-job service events', () => {
    expect(byName(all, 'CopyImage').length).toBeGreaterThan(0);
    const failed = byName(all, 'CopySnapshot').filter((r) => r.errorCode);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect(f.errorCode).toBe('Client.InvalidSnapshot.NotFound');
      expect(f.responseElements).toBeNull();
    }
    const completed = byName(all, 'CopyJobCompleted');
    expect(completed.length).toBeGreaterThan(0);
    expect(completed[0]!.serviceEventDetails.destinationRecoveryPointArn).toMatch(
      /^arn:aws:ec2:us-west-2::snapshot\/snap-/,
    );
  });

  it('ingests cleanly: no rejects, duplicate deliveries counted once', async () => {
    const store = await memoryStore();
    const s = await ingestDir(store, [dir]);
    expect(s.rejectedFiles).toBe(0);
    expect(s.recordsRejected).toBe(0);
    expect(await count(store, 'events')).toBe(new Set(all.map((r) => r.eventID)).size);
  });
});
