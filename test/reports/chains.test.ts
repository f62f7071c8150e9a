// Reports read the copy chain correlate stored: the resource a chain started from (DR coverage of a
// copy of a copy), the hops of a residency violation, and nothing invented for a chain that loops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { Store } from '../../queries/store.ts';
import { generateReport } from '../../reports/generate.ts';
import { CopyRow } from '../../reports/rows.ts';
import { A1, A2, copySnapshot, kms, share } from '../correlate/fixtures.ts';
import { tempDir } from '../helpers.ts';
import { buildScenario, KEY_VAULT, POLICY, UNTIL } from './scenario.ts';

const NOW = new Date('2026-04-01T12:00:00Z');
const VOL_A = 'vol-0aaaaaaaaaaaaaaa1';
/** vol A's us-west-2 copy (snap-…12, made from snap-…02 in us-east-1) copied on into the vault account */
const VAULT_COPY = 'snap-0aaaaaaaaaaaaaa15';

const extra = [
  share('2026-03-02T09:30:00Z', 'us-west-2', A1, 'snap-0aaaaaaaaaaaaaa12', A2),
  copySnapshot({
    at: '2026-03-02T10:00:00Z',
    region: 'us-west-2',
    account: A2,
    sourceRegion: 'us-west-2',
    sourceSnap: 'snap-0aaaaaaaaaaaaaa12',
    newSnap: VAULT_COPY,
    kmsKeyId: KEY_VAULT,
  }),
  kms({
    at: '2026-03-02T10:00:20Z',
    name: 'GenerateDataKeyWithoutPlaintext',
    region: 'us-west-2',
    recipient: A2,
    key: KEY_VAULT,
    ctx: { 'aws:ebs:id': VAULT_COPY },
  }),
  // forged or odd: two copies at one instant, each the other's source, and a copy of the loop abroad
  copySnapshot({
    at: '2026-03-02T14:00:00Z',
    region: 'us-west-2',
    account: A1,
    sourceRegion: 'us-west-2',
    sourceSnap: 'snap-0ccccccccccccccc1',
    newSnap: 'snap-0ccccccccccccccc2',
  }),
  copySnapshot({
    at: '2026-03-02T14:00:00Z',
    region: 'us-west-2',
    account: A1,
    sourceRegion: 'us-west-2',
    sourceSnap: 'snap-0ccccccccccccccc2',
    newSnap: 'snap-0ccccccccccccccc1',
  }),
  copySnapshot({
    at: '2026-03-02T15:00:00Z',
    region: 'ap-southeast-2',
    account: A1,
    sourceRegion: 'us-west-2',
    sourceSnap: 'snap-0ccccccccccccccc2',
    newSnap: 'snap-0ccccccccccccccc3',
  }),
];

type Finding = { status: string; resource_arn: string; chain: { from: string; to: string }[] };

describe('reports read the stored copy chain', () => {
  let store: Store;
  let out: string;
  beforeAll(async () => {
    store = await Store.open({ path: ':memory:', memoryLimit: '1GB' });
    out = tempDir();
    await buildScenario(store, tempDir(), extra);
  });
  afterAll(() => store.close());

  const drVault = async () => {
    const r = await generateReport(store, {
      id: 'dr_coverage',
      config: POLICY,
      formats: ['json'],
      out,
      until: UNTIL,
      now: NOW,
    });
    return (r.model.rows as { requirement: string; status: string; reason: string }[]).find(
      (x) => x.requirement === 'vol_a_vault',
    )!;
  };

  it('a copy of a copy counts for the volume its chain started from: vol A is in the vault account', async () => {
    const copies = await store.all('reports/common/copies', CopyRow, {
      since: null,
      until: null,
      copy_ids: null,
    });
    const vault = copies.find((c) => c.target_id === VAULT_COPY)!;
    expect(vault).toMatchObject({
      chain_status: 'complete',
      resource_id: VOL_A,
      resource_region: 'us-east-1',
    });
    expect(vault.chain).toHaveLength(2);
    expect((await drVault()).status).toBe('pass');
  });

  it('a chain that loops names no resource, and its residency violation shows each hop of the loop once', async () => {
    const copies = await store.all('reports/common/copies', CopyRow, {
      since: null,
      until: null,
      copy_ids: null,
    });
    const abroad = copies.find((c) => c.target_id === 'snap-0ccccccccccccccc3')!;
    expect(abroad).toMatchObject({ chain_status: 'cycle', resource_id: null, resource_account: null });
    const r = await generateReport(store, {
      id: 'residency',
      config: POLICY,
      formats: ['json'],
      out,
      now: NOW,
    });
    const finding = (r.model.findings as Finding[]).find((f) =>
      f.resource_arn.endsWith('snap-0ccccccccccccccc3'),
    )!;
    expect(finding.status).toBe('fail');
    expect(finding.chain.map((h) => `${h.from.split(' ')[0]}>${h.to.split(' ')[0]}`)).toEqual([
      'snap-0ccccccccccccccc2>snap-0ccccccccccccccc1',
      'snap-0ccccccccccccccc1>snap-0ccccccccccccccc2',
      'snap-0ccccccccccccccc2>snap-0ccccccccccccccc3',
    ]);
  });

  it('the stored chain is what counts: with its root taken away the vault copy no longer covers vol A', async () => {
    await store.userQuery(
      `update copies set root_copy_id = null, chain_depth = null, chain_status = 'too_long' where target_id = '${VAULT_COPY}'`,
    );
    const row = await drVault();
    expect(row.status).toBe('fail');
    expect(row.reason).toContain(`no copy in account ${A2}`);
    await correlate(store);
    expect((await drVault()).status).toBe('pass');
  });

  const forensicsCopies = async (subject: string) => {
    const r = await generateReport(store, {
      id: 'forensics',
      config: POLICY,
      formats: ['json'],
      out,
      subject,
      now: NOW,
    });
    return (r.model.copies as { copy_id: string; target: string }[]).map((c) => c.target.split(' ')[0]);
  };

  it("forensics on a copy of a copy lists its chain up to the origin, the origin's other copies, and nothing unrelated", async () => {
    const copies = await store.all('reports/common/copies', CopyRow, {
      since: null,
      until: null,
      copy_ids: null,
    });
    const vault = copies.find((c) => c.target_id === VAULT_COPY)!;
    const root = copies.find((c) => c.copy_id === vault.chain?.[0])!;
    const kin = copies.filter(
      (c) => c.source_id === root.source_id && c.source_region === root.source_region,
    );
    expect(kin.length).toBeGreaterThan(1);
    const targets = await forensicsCopies(VAULT_COPY);
    expect(targets).toContain(VAULT_COPY);
    expect(targets).toContain(root.target_id);
    for (const k of kin) expect(targets).toContain(k.target_id);
    expect(targets).not.toContain('snap-0ccccccccccccccc3');
  });

  it("forensics follows the chain correlate stored: a copy taken off the vault copy's stored chain leaves its lineage", async () => {
    const copies = await store.all('reports/common/copies', CopyRow, {
      since: null,
      until: null,
      copy_ids: null,
    });
    const vault = copies.find((c) => c.target_id === VAULT_COPY)!;
    const loop = copies.find((c) => c.target_id === 'snap-0ccccccccccccccc3')!;
    expect(await forensicsCopies(VAULT_COPY)).not.toContain('snap-0ccccccccccccccc3');
    // a stored chain that runs through the loop's copy makes it part of the vault copy's lineage
    await store.userQuery(
      `update copies set chain = ['${loop.copy_id}', '${vault.copy_id}'], root_copy_id = null, chain_status = 'cycle' where copy_id = '${vault.copy_id}'`,
    );
    expect(await forensicsCopies(VAULT_COPY)).toContain('snap-0ccccccccccccccc3');
    await correlate(store);
    expect(await forensicsCopies(VAULT_COPY)).not.toContain('snap-0ccccccccccccccc3');
  });

  it('a store whose copies have no stored chain yet is refused with what to run, not reported without origins', async () => {
    await store.userQuery('update copies set chain_status = null');
    for (const id of ['residency', 'dr_coverage'] as const) {
      await expect(
        generateReport(store, { id, config: POLICY, formats: ['json'], out, until: UNTIL, now: NOW }),
      ).rejects.toThrow(/copies have no stored copy chain .*run copytrail correlate/);
    }
    await expect(
      generateReport(store, {
        id: 'forensics',
        config: POLICY,
        formats: ['json'],
        out,
        subject: A2,
        now: NOW,
      }),
    ).rejects.toThrow(/no stored copy chain/);
    await correlate(store);
    expect((await drVault()).status).toBe('pass');
  });
});
