// Third-party real CloudTrail data and the reference samples: every file loads, is rejected with a
// reason, or is skipped by a named rule. Without ../shared these tests fail: they never skip.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { count, HAVE_SHARED, memoryStore, REAL_DATA, SAMPLES } from '../helpers.ts';

function requireShared(): void {
  expect(HAVE_SHARED, `${REAL_DATA} and ${SAMPLES} must exist: clone with ../shared beside the project`).toBe(
    true,
  );
}

/** Regular files under root, found without following links and without the code under test. */
function regularFiles(root: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const full = join(root, e.name);
    if (e.isDirectory()) out.push(...regularFiles(full));
    else if (e.isFile()) out.push(full);
  }
  return out.sort();
}

/** Entries a zip's end-of-central-directory record declares (the shared archive has no folder entries). */
function zipEntries(file: string): number {
  const bytes = readFileSync(file);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  return bytes.readUInt16LE(end + 10);
}

describe('real third-party data', () => {
  it('the whole folder: every file found is loaded, a duplicate, rejected with a reason or skipped by a rule', async () => {
    requireShared();
    const files = regularFiles(REAL_DATA);
    const zips = files.filter((f) => f.endsWith('.zip'));
    const expected = files.length - zips.length + zips.reduce((n, z) => n + zipEntries(z), 0);
    const store = await memoryStore();
    const s = await ingestDir(store, [REAL_DATA]);
    expect(s.found).toBe(expected);
    const skipped = Object.values(s.skippedFiles).flat();
    expect(s.loaded + s.duplicateFiles + s.rejectedFiles + s.digests + skipped.length).toBe(expected);
    expect(s.unaccounted).toBe(0);
    // the same, file by file: the ledger and the skipped lists name each file found exactly once
    const { rows } = await store.userQuery('select location, status from ingested_files');
    const ledger = rows.map((r) => String(r.location));
    expect(new Set([...ledger, ...skipped]).size).toBe(ledger.length + skipped.length);
    expect([...ledger.filter((l) => !l.includes('!/')), ...skipped].sort()).toEqual(
      files.filter((f) => !f.endsWith('.zip')),
    );
    expect(ledger.filter((l) => l.includes('.zip!/'))).toHaveLength(expected - files.length + zips.length);
    // licences and the dataset notes are skipped by name in the summary, not read and not rejected
    expect(s.skippedFiles).toEqual({
      'not JSON, gzip or zip': files.filter((f) => /LICENSE$|\.md$/.test(f)),
    });
    // each rejected file has its reason and raw text in rejects
    expect(
      await count(
        store,
        'ingested_files f',
        "status = 'rejected' and not exists (select 1 from rejects r where r.file_id = f.file_id and r.reason is not null)",
      ),
    ).toBe(0);
    expect(s.rejectedByReason).toEqual({ 'malformed JSON': 1 });
    // a second run reads nothing and still accounts for every file
    const again = await ingestDir(store, [REAL_DATA]);
    expect(again.loaded + again.rejectedFiles + again.duplicateFiles).toBe(0);
    expect(again.skipped).toBe(s.loaded + s.duplicateFiles + s.rejectedFiles);
    expect(again.alreadyRejected).toBe(1);
    expect(again.alreadyDuplicate).toBe(s.duplicateFiles);
    expect(again.unaccounted).toBe(0);
  });

  it('Invictus: 2,900 events from 55 delivery files, accounts from the records and not the file names', async () => {
    requireShared();
    const store = await memoryStore();
    const s = await ingestDir(store, [join(REAL_DATA, 'invictus-aws-dataset')]);
    expect(s.loaded).toBe(55);
    expect(s.eventsNew).toBe(2900);
    expect(s.rejectedFiles).toBe(0);
    expect(await count(store, 'events')).toBe(2900);
    // the file names say 218007301253; every record says 123837392027
    expect(await count(store, 'events', "recipient_account_id = '218007301253'")).toBe(0);
    expect(await count(store, 'events', "recipient_account_id = '123837392027'")).toBe(2900);
    expect(await count(store, 'ingest_coverage', "account_id = '218007301253'")).toBe(0);
    // the share lifecycle the correlator will need is there, typed
    expect(await count(store, 'events', "event_name = 'ModifySnapshotAttribute'")).toBe(2);
    expect(
      await count(store, 'events', "event_name = 'SharedSnapshotVolumeCreated' and actor_type is null"),
    ).toBe(2);
  });

  it('Stratus: top-level arrays load, fake regions kept as written', async () => {
    requireShared();
    const store = await memoryStore();
    const s = await ingestDir(store, [join(REAL_DATA, 'stratus-red-team-detonation-logs')]);
    expect(s.loaded).toBe(35);
    expect(s.eventsNew).toBe(310);
    expect(await count(store, 'events', "aws_region = 'me-central-3r'")).toBeGreaterThan(0);
    expect(await count(store, 'events', 'error_code is not null')).toBe(52);
  });

  it('TrailDiscover: one-event files, empty arrays and bare objects; duplicates counted once', async () => {
    requireShared();
    const store = await memoryStore();
    const s = await ingestDir(store, [join(REAL_DATA, 'traildiscover-log-examples')]);
    expect(s.files).toBe(584);
    expect(s.rejectedFiles).toBe(0);
    // 563 records in all, 314 distinct eventIDs (X and Service-X files repeat events)
    expect(await count(store, 'events')).toBe(314);
    // SendEmail has neither eventVersion nor userIdentity and still loads
    expect(await count(store, 'events', "event_name = 'SendEmail' and user_identity is null")).toBe(1);
  });

  it('cloudtrail2sightings zip: the malformed member is rejected with its reason, its siblings load', async () => {
    requireShared();
    const store = await memoryStore();
    const s = await ingestDir(store, [join(REAL_DATA, 'zmallen-cloudtrail2sightings')]);
    expect(s.loaded).toBe(3);
    expect(s.rejectedFiles).toBe(1);
    expect(await count(store, 'events')).toBe(12);
    const { rows } = await store.userQuery('select location, reason, raw from rejects');
    expect(rows).toHaveLength(1);
    expect(String(rows[0]!.location)).toMatch(/cloudtrail\.zip!\/aws\.execution\.ec2-user-data\.json$/);
    expect(String(rows[0]!.reason)).toMatch(/^malformed JSON/);
    expect(String(rows[0]!.raw)).toContain('ModifyInstanceAttribute');
    // Datadog's enrichment fields are not CloudTrail's, and are kept
    expect(await count(store, 'events', "extra->>'service' = 'cloudtrail'")).toBeGreaterThan(0);
  });

  it('reference samples: each loads, or is rejected with a reason naming the problem', async () => {
    requireShared();
    const store = await memoryStore();
    const s = await ingestDir(store, [SAMPLES]);
    expect(s.files).toBe(34);
    expect(s.digests).toBe(1);
    const { rows } = await store.userQuery(
      "select regexp_replace(location, '.*/', '') as f, reason from rejects order by f",
    );
    const reasons = Object.fromEntries(rows.map((r) => [r.f, r.reason]));
    expect(reasons['kms-doc.ct-replicate-key.ReplicateKey.json']).toMatch(/malformed JSON/);
    expect(reasons['eventbridge-doc.EBS-Snapshot-Notification.shareSnapshot.json']).toMatch(/malformed JSON/);
    expect(reasons['eventbridge-doc.aws-backup.CopyJobStateChange.COMPLETED.json']).toMatch(
      /EventBridge event/,
    );
    expect(reasons['userIdentity-fragment.AWSBackupDefaultServiceRole.flanksource-config-db-test.json']).toBe(
      'missing required field(s): eventID, eventTime, eventSource, eventName',
    );
    // every file is accounted for: loaded (events or duplicates), digest, or rejected with a reason
    const { rows: files } = await store.userQuery(
      "select count(*)::integer as n from ingested_files where status = 'loaded' and record_count = 0 and kind = 'log'",
    );
    expect(files[0]!.n).toBe(0);
    expect(await count(store, 'events', "event_name = 'GenerateDataKeyWithoutPlaintext'")).toBeGreaterThan(0);
    // the digest is kept out of events
    expect(await count(store, 'events', "event_source like 'cloudtrail%'")).toBe(0);
  });
});
