// The simulator's volume vectors (simulator/scenarios/ebs-volumes.ts) through ingest and the real
// correlator: CSI driver clones, a RAM share copied by the vault account (KMS in both trails), an
// outside account's copy seen from the owner's side only, RAM share rows, and keys associated with
// a snapshot, one outside an EU residency policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../core/config.ts';
import { correlate } from '../../correlate/correlate.ts';
import { type LineageRecord, lineage } from '../../correlate/lineage.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { ACCOUNTS } from '../../simulator/org.ts';
import { simulate } from '../../simulator/simulate.ts';
import { tempDir } from '../helpers.ts';

const DAYS = 4;

describe('simulated volume copies', () => {
  let store: Store;
  let copies: LineageRecord[];
  beforeAll(async () => {
    const dir = tempDir();
    simulate({ out: dir, events: 3000, days: DAYS, seed: 9, digests: false, volumeCopies: true });
    store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    await ingestDir(store, [dir]);
    await correlate(store);
    copies = await lineage(store, null);
  }, 300_000);
  afterAll(() => store.close());

  const certain = (c: LineageRecord, side: string, match: string) =>
    c.evidence.some((e) => e.side === side && e.match === match && e.certainty === 'certain');

  it("clones by the CSI driver's role, one a day, each with the new volume's and the source volume's records", () => {
    const clones = copies.filter(
      (c) => c.api === 'CopyVolumes' && c.principal_arn?.includes('EBS_CSI_DriverRole'),
    );
    expect(clones).toHaveLength(DAYS);
    for (const c of clones) {
      expect(c).toMatchObject({ kind: 'ebs_volume', key_change: 'same_key' });
      expect(c.source.account).toBe(ACCOUNTS.dev.id);
      expect(certain(c, 'target', 'encryption_context')).toBe(true);
      expect(certain(c, 'source', 'source_context')).toBe(true);
    }
  });

  it("the vault's copies of a volume shared through RAM: owner from the share, the source key's records in both trails, its notice tied", async () => {
    const vault = copies.filter((c) => c.api === 'CopyVolumes' && c.target.account === ACCOUNTS.vault.id);
    expect(vault).toHaveLength(DAYS / 2);
    for (const c of vault) {
      expect(c.source.account).toBe(ACCOUNTS.prodData.id);
      expect(c.key_change).toBe('new_key');
      expect(certain(c, 'target', 'encryption_context')).toBe(true);
      // the source key's records in both trails: the copier's and the key owner's
      const trails = new Set(
        c.evidence
          .filter((e) => e.side === 'source' && e.certainty === 'certain' && e.match !== 'service_event')
          .map((e) => e.account),
      );
      expect([...trails].sort()).toEqual([ACCOUNTS.prodData.id, ACCOUNTS.vault.id].sort());
      expect(c.evidence.some((e) => e.event_name === 'SharedVolumeCopyInitiated')).toBe(true);
    }
    const { rows } = await store.userQuery(
      "select to_account, action, count(*)::integer as n from shares where artifact_kind = 'ebs_volume' group by all order by all",
    );
    expect(rows).toEqual(
      [
        { to_account: ACCOUNTS.vault.id, action: 'added', n: DAYS / 2 },
        { to_account: ACCOUNTS.vault.id, action: 'removed', n: DAYS / 2 },
        { to_account: ACCOUNTS.external.id, action: 'added', n: 1 },
      ].sort((a, b) => a.to_account.localeCompare(b.to_account) || a.action.localeCompare(b.action)),
    );
  });

  it("an outside account's copy is known from the owner's side alone: the exfiltration edge, with the owner's key records", () => {
    const alone = copies.filter((c) => c.api === 'SharedVolumeCopyInitiated');
    expect(alone).toHaveLength(1);
    expect(alone[0]!).toMatchObject({
      kind: 'ebs_volume',
      target: { account: ACCOUNTS.external.id, id: null },
    });
    expect(alone[0]!.source.account).toBe(ACCOUNTS.prodData.id);
    expect(certain(alone[0]!, 'source', 'source_context')).toBe(true);
  });

  it('a snapshot carrying a key in us-east-1 fails an EU residency policy; the key taken off again is not judged', async () => {
    const config = Config.parse({
      organization: 'Sim',
      residency: { allowed_partitions: ['aws'], allowed_jurisdictions: ['EU'] },
      reports: { chromium: process.env.COPYTRAIL_CHROMIUM ?? 'bundled' },
    });
    const r = await generateReport(store, { id: 'residency', config, formats: ['json'], out: tempDir() });
    const keys = (
      r.model.findings as { check: string; status: string; region: string | null; reason: string }[]
    ).filter((f) => f.check === 'associated_key');
    expect(keys.map((f) => `${f.status} ${f.region}`)).toEqual(['fail us-east-1']);
    expect(keys[0]!.reason).toMatch(/associated with ebs_snapshot arn:aws:ec2:eu-west-1::snapshot\/snap-/);
  });
});
