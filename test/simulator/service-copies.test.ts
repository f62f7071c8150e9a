// The simulator's service copies, through ingest and the real correlator: every vector makes its
// edge (FSx, EFS, Redshift, DynamoDB, CloudHSM, Recycle Bin, exports), the EFS replication is ended
// by its later delete, the restored snapshot's next copy descends from the restore, and the
// service-made KMS records come in both identity styles, the cross-account ones in both trails.
import { beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { simulate } from '../../simulator/simulate.ts';
import { memoryStore, tempDir } from '../helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: rows of ad-hoc queries
type Row = Record<string, any>;

describe('simulated service copies', () => {
  let copies: Row[];
  let efsKms: Row[];
  beforeAll(async () => {
    const dir = tempDir();
    simulate({ out: dir, events: 3000, days: 4, seed: 3, digests: false, fleets: 2 });
    const store = await memoryStore();
    await ingestDir(store, [dir]);
    await correlate(store);
    copies = (await store.userQuery('select * from copies order by requested_at, copy_id')).rows;
    efsKms = (
      await store.userQuery(
        `select actor_type, recipient_account_id, shared_event_id
         from events
         where event_source = 'kms.amazonaws.com'
           and invoked_by = 'elasticfilesystem.amazonaws.com'`,
      )
    ).rows;
  });

  const ofKind = (kind: string) => copies.filter((c) => c.kind === kind);

  it('every vector makes its edges, for each fleet', () => {
    const perFleet: Record<string, number> = {
      efs_replication: 2,
      dynamodb_replica: 2,
      cloudhsm_backup: 2,
      recycle_bin_restore: 2,
      rds_export: 2,
      ami_export: 2,
      ami_store: 2,
      // provisioned and serverless
      redshift_snapshot_copy: 4,
      // nightly
      fsx_backup: 8,
      redshift_snapshot: 8,
    };
    for (const [kind, n] of Object.entries(perFleet)) expect(ofKind(kind), kind).toHaveLength(n);
  });

  it('the EFS replication is ended by its delete; the others stay active', () => {
    for (const c of ofKind('efs_replication')) expect(c.status).toBe('ended');
    for (const kind of ['dynamodb_replica', 'redshift_snapshot_copy'])
      for (const c of ofKind(kind)) expect(c.status, kind).toBe('active');
  });

  it('copy-outs go to a bucket of unknown region; the HSM backup leaves the EU', () => {
    for (const c of [...ofKind('rds_export'), ...ofKind('ami_export'), ...ofKind('ami_store')]) {
      expect(c.target_arn).toBe(`arn:aws:s3:::${c.target_id}`);
      expect(c.target_region).toBeNull();
    }
    for (const c of ofKind('cloudhsm_backup')) {
      expect(c.source_region).toBe('eu-central-1');
      expect(c.target_region).toBe('us-east-1');
    }
  });

  it('a restored snapshot is copied on: that copy descends from the restore', () => {
    for (const r of ofKind('recycle_bin_restore')) {
      expect(r.source_id).toBe(r.target_id);
      const next = copies.find((c) => c.parent_copy_id === r.copy_id);
      expect(next?.api).toBe('CopySnapshot');
    }
  });

  it("service KMS records use both identity styles, and the vault key's land in both trails", () => {
    expect(new Set(efsKms.map((r) => r.actor_type)).size).toBeGreaterThan(1);
    const shared = efsKms.filter((r) => r.shared_event_id);
    expect(new Set(shared.map((r) => r.recipient_account_id)).size).toBe(2);
  });
});
