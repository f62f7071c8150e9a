// The simulator's S3 replication scenarios, through ingest and the real correlator: each
// configuration makes the edge its story says, and only the replication role's calls count.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { ACCOUNTS } from '../../simulator/org.ts';
import { simulate } from '../../simulator/simulate.ts';
import { tempDir } from '../helpers.ts';

describe('simulated S3 replication', () => {
  let store: Store;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('copytrail-s3sim-');
    simulate({ out: dir, events: 3000, days: 2, seed: 9, digests: false });
    store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    await ingestDir(store, [dir]);
    await correlate(store);
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = async (sql: string) => (await store.userQuery(sql)).rows;

  it('makes one edge per configured destination, with the status and keys of its story', async () => {
    const edges = await rows(
      "select source_id, target_id, status, key_change, source_region, target_region, target_account, target_key_arn is null as no_key from copies where kind = 's3_replication' order by source_id",
    );
    const by = new Map(edges.map((e) => [String(e.source_id).replace('copytrail-sim-', ''), e]));
    expect([...by.keys()]).toEqual(['assets', 'audit', 'customers', 'exports', 'ledger', 'orders']);
    expect(by.get('orders')).toMatchObject({
      status: 'active',
      key_change: 'mrk_replica',
      target_region: 'eu-central-1',
    });
    expect(by.get('ledger')).toMatchObject({
      status: 'active',
      target_account: ACCOUNTS.vault.id,
      key_change: 'new_key',
    });
    expect(by.get('assets')).toMatchObject({
      status: 'active',
      key_change: 'unknown',
      target_region: 'eu-west-2',
      no_key: true,
    });
    expect(by.get('exports')).toMatchObject({ status: 'ended' });
    expect(by.get('audit')).toMatchObject({ status: 'failing' });
    expect(by.get('customers')).toMatchObject({ status: 'active', target_region: 'us-east-1' });
  });

  it("counts every replication role call once, the key owner's copies as records, and nobody else's", async () => {
    const [roleCalls] = await rows(
      "select count(*)::integer as n from events where event_source = 'kms.amazonaws.com' and actor_arn like '%:assumed-role/S3ReplicationRole/%'",
    );
    const [rollup] = await rows(
      'select sum(events)::integer as events, sum(records)::integer as records, sum(denied)::integer as denied from copy_evidence_hourly',
    );
    const [owner] = await rows(
      `select count(*)::integer as n from events where event_source = 'kms.amazonaws.com' and recipient_account_id = '${ACCOUNTS.vault.id}' and (request_parameters -> 'encryptionContext' ->> 'aws:s3:arn') is not null`,
    );
    expect(Number(roleCalls!.n)).toBeGreaterThan(100);
    expect(rollup!.events).toBe(roleCalls!.n);
    expect(rollup!.records).toBe(Number(roleCalls!.n) + Number(owner!.n));
    expect(Number(rollup!.denied)).toBeGreaterThan(0);
    // the analytics job read the same buckets under the same keys: never evidence
    const [reader] = await rows(
      "select count(*)::integer as n from events where actor_arn like '%:assumed-role/AnalyticsJob/%'",
    );
    expect(Number(reader!.n)).toBeGreaterThan(0);
  });

  it('keeps the lineage small: a few hourly rows per edge, however many objects moved', async () => {
    const [h] = await rows('select count(*)::integer as n from copy_evidence_hourly');
    const [calls] = await rows('select sum(records)::integer as n from copy_evidence_hourly');
    expect(Number(h!.n)).toBeLessThan(Number(calls!.n) / 5);
  });
});
