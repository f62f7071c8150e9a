// Third-party real CloudTrail data and the reference samples: every file loads or is rejected with a reason.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { count, HAVE_SHARED, memoryStore, REAL_DATA, SAMPLES } from '../helpers.ts';

if (!HAVE_SHARED)
  console.warn(`skipping shared-data tests: ${REAL_DATA} is not here (clone with ../shared beside it)`);

describe.runIf(HAVE_SHARED)('real third-party data', () => {
  it('Invictus: 2,900 events from 55 delivery files, accounts from the records and not the file names', async () => {
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
    const store = await memoryStore();
    const s = await ingestDir(store, [join(REAL_DATA, 'stratus-red-team-detonation-logs')]);
    expect(s.loaded).toBe(35);
    expect(s.eventsNew).toBe(310);
    expect(await count(store, 'events', "aws_region = 'me-central-3r'")).toBeGreaterThan(0);
    expect(await count(store, 'events', 'error_code is not null')).toBe(52);
  });

  it('TrailDiscover: one-event files, empty arrays and bare objects; duplicates counted once', async () => {
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
