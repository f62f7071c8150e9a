// The copy chain correlate stores on each copy (queries/correlate/copy_chains.sql): root, depth,
// the copy ids from the root, and how the walk ended. Named scenarios: a linear chain across
// regions and accounts, a branch, a root whose source was never a copy's target, the parent rule
// when two copies claim one target, a cycle, a self-copy, a chain past the depth cap; then the
// lineage command reading it, and a store from before chains were stored.
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { lineage } from '../../correlate/lineage.ts';
import type { Store } from '../../queries/store.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { A1, A2, copySnapshot, createSnapshot, deliver, KEY, share } from './fixtures.ts';

const SRC_KEY = KEY('us-east-1', A1, '11111111-1111-4111-8111-111111111111');
const OUTSIDER = '999988887777';
/** a snapshot id that reads as its scenario name: snap('c1') = snap-0000000000000c1 */
const snap = (name: string) => `snap-0${name.padStart(16, '0')}`;

interface StoredChain {
  status: string | null;
  depth: number | null;
  /** the root copy, named by its target snapshot */
  root: string | null;
  /** the chain, each copy named by its target snapshot, root first */
  chain: string[] | null;
}

/** Each copy's stored chain, keyed by the copy's target snapshot id. */
async function chains(store: Store): Promise<Record<string, StoredChain>> {
  const { rows } = await store.userQuery(
    'select copy_id, target_id, root_copy_id, chain_depth, chain, chain_status from copies',
  );
  const target = new Map(rows.map((r) => [String(r.copy_id), String(r.target_id)]));
  const name = (copyId: unknown) => (copyId === null ? null : (target.get(String(copyId)) ?? `?${copyId}`));
  const out: Record<string, StoredChain> = {};
  for (const r of rows) {
    out[String(r.target_id)] = {
      status: r.chain_status as string | null,
      depth: r.chain_depth === null ? null : Number(r.chain_depth),
      root: name(r.root_copy_id),
      chain: r.chain === null ? null : (r.chain as string[]).map((id) => name(id)!),
    };
  }
  return out;
}

/** A copy of `from` (in fromRegion) made in `region` by `account`, as the snapshot `to`. */
const copy = (at: string, fromRegion: string, from: string, region: string, account: string, to: string) =>
  copySnapshot({
    at,
    region,
    account,
    sourceRegion: fromRegion,
    sourceSnap: snap(from),
    newSnap: snap(to),
  });

describe('copy chains: stored by correlate', () => {
  it('a linear chain across regions and accounts: one root, depths 0..3, the whole chain on every hop', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      createSnapshot('2026-03-02T01:00:00Z', 'us-east-1', A1, 'vol-0aaaaaaaaaaaaaaa1', snap('c0'), SRC_KEY),
      copy('2026-03-02T02:00:00Z', 'us-east-1', 'c0', 'us-west-2', A1, 'c1'),
      // shared to the vault account, which copies it within us-west-2
      share('2026-03-02T02:30:00Z', 'us-west-2', A1, snap('c1'), A2),
      copy('2026-03-02T03:00:00Z', 'us-west-2', 'c1', 'us-west-2', A2, 'c2'),
      copy('2026-03-02T04:00:00Z', 'us-west-2', 'c2', 'eu-west-1', A2, 'c3'),
      share('2026-03-02T04:30:00Z', 'eu-west-1', A2, snap('c3'), OUTSIDER),
      copy('2026-03-02T05:00:00Z', 'eu-west-1', 'c3', 'eu-north-1', OUTSIDER, 'c4'),
    ]);
    await correlate(store);
    const c = await chains(store);
    const path = [snap('c1'), snap('c2'), snap('c3'), snap('c4')];
    expect(c[snap('c1')]).toEqual({
      status: 'complete',
      depth: 0,
      root: snap('c1'),
      chain: path.slice(0, 1),
    });
    expect(c[snap('c2')]).toEqual({
      status: 'complete',
      depth: 1,
      root: snap('c1'),
      chain: path.slice(0, 2),
    });
    expect(c[snap('c3')]).toEqual({
      status: 'complete',
      depth: 2,
      root: snap('c1'),
      chain: path.slice(0, 3),
    });
    expect(c[snap('c4')]).toEqual({ status: 'complete', depth: 3, root: snap('c1'), chain: path });
    const { rows } = await store.userQuery(
      `select source_account, target_account, target_region from copies order by chain_depth`,
    );
    expect(rows.map((r) => `${r.source_account}>${r.target_account}@${r.target_region}`)).toEqual([
      `${A1}>${A1}@us-west-2`,
      `${A1}>${A2}@us-west-2`,
      `${A2}>${A2}@eu-west-1`,
      `${A2}>${OUTSIDER}@eu-north-1`,
    ]);
  });

  it('a branch: one source copied twice, each branch its own chain from the shared root', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copy('2026-03-02T02:00:00Z', 'us-east-1', 'b0', 'us-west-2', A1, 'b1'),
      copy('2026-03-02T03:00:00Z', 'us-west-2', 'b1', 'eu-west-1', A1, 'b2'),
      copy('2026-03-02T04:00:00Z', 'us-west-2', 'b1', 'ap-southeast-2', A1, 'b3'),
      copy('2026-03-02T05:00:00Z', 'ap-southeast-2', 'b3', 'ap-northeast-1', A1, 'b4'),
    ]);
    await correlate(store);
    const c = await chains(store);
    expect(c[snap('b2')]!.chain).toEqual([snap('b1'), snap('b2')]);
    expect(c[snap('b3')]!.chain).toEqual([snap('b1'), snap('b3')]);
    expect(c[snap('b4')]).toEqual({
      status: 'complete',
      depth: 2,
      root: snap('b1'),
      chain: [snap('b1'), snap('b3'), snap('b4')],
    });
    // the other branch is not on this one's lineage: up to the root, down from the subject only
    const fromLeaf = await lineage(store, snap('b4'));
    expect(fromLeaf.map((r) => r.target.id)).toEqual([snap('b1'), snap('b3'), snap('b4')]);
    const fromFork = await lineage(store, snap('b1'));
    expect(fromFork.map((r) => r.target.id)).toEqual([snap('b1'), snap('b2'), snap('b3'), snap('b4')]);
  });

  it('a copy whose source was never seen as a copy target is a root at depth 0, even when a later copy made that id', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copy('2026-03-02T02:00:00Z', 'us-east-1', 'r0', 'us-west-2', A1, 'r1'),
      // r1 copied back to us-east-1: its target r9 exists only after, and in another region
      copy('2026-03-02T03:00:00Z', 'us-west-2', 'r1', 'us-east-1', A1, 'r9'),
      // a copy of r9 requested before r9 was made: the later copy is not its parent
      copy('2026-03-02T01:00:00Z', 'us-east-1', 'r9', 'eu-west-1', A1, 'r2'),
      // a copy of an id that is some copy's target, but in another region: not that copy's child
      copy('2026-03-02T04:00:00Z', 'eu-west-1', 'r1', 'eu-central-1', A1, 'r3'),
    ]);
    await correlate(store);
    const c = await chains(store);
    expect(c[snap('r1')]).toEqual({ status: 'complete', depth: 0, root: snap('r1'), chain: [snap('r1')] });
    expect(c[snap('r9')]).toEqual({
      status: 'complete',
      depth: 1,
      root: snap('r1'),
      chain: [snap('r1'), snap('r9')],
    });
    expect(c[snap('r2')]).toEqual({ status: 'complete', depth: 0, root: snap('r2'), chain: [snap('r2')] });
    expect(c[snap('r3')]).toEqual({ status: 'complete', depth: 0, root: snap('r3'), chain: [snap('r3')] });
  });

  it('two copies claim one target: a copy of it descends from the latest claim at or before its own request', async () => {
    const store = await memoryStore();
    const claim = (at: string) =>
      copySnapshot({
        at,
        region: 'us-west-2',
        account: A1,
        sourceRegion: 'us-east-1',
        sourceSnap: snap('d0'),
        newSnap: snap('d1'),
      });
    await deliver(store, tempDir(), [
      claim('2026-03-02T10:00:00Z'),
      claim('2026-03-02T12:00:00Z'),
      copy('2026-03-02T11:00:00Z', 'us-west-2', 'd1', 'eu-west-1', A1, 'd2'),
      copy('2026-03-02T13:00:00Z', 'us-west-2', 'd1', 'eu-west-1', A1, 'd3'),
    ]);
    await correlate(store);
    const { rows } = await store.userQuery(
      `select c.target_id, strftime(p.requested_at, '%H:%M') as parent_at, c.chain_depth,
         (select strftime(r.requested_at, '%H:%M') from copies r where r.copy_id = c.root_copy_id) as root_at
       from copies c left join copies p on p.copy_id = c.parent_copy_id
       where c.target_id in ('${snap('d2')}', '${snap('d3')}') order by c.target_id`,
    );
    expect(rows).toEqual([
      { target_id: snap('d2'), parent_at: '10:00', chain_depth: 1, root_at: '10:00' },
      { target_id: snap('d3'), parent_at: '12:00', chain_depth: 1, root_at: '12:00' },
    ]);
  });

  it('a cycle (two copies, each the source of the other) is named, has no root, and lineage ends', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copy('2026-03-02T10:00:00Z', 'us-east-1', 'a1', 'us-east-1', A1, 'a2'),
      copy('2026-03-02T10:00:00Z', 'us-east-1', 'a2', 'us-east-1', A1, 'a1'),
      // a copy downstream of the loop runs into it
      copy('2026-03-02T11:00:00Z', 'us-east-1', 'a2', 'us-west-2', A1, 'a3'),
    ]);
    await correlate(store);
    const c = await chains(store);
    // each copy on the loop: once round it, itself last
    expect(c[snap('a1')]).toEqual({
      status: 'cycle',
      depth: null,
      root: null,
      chain: [snap('a2'), snap('a1')],
    });
    expect(c[snap('a2')]).toEqual({
      status: 'cycle',
      depth: null,
      root: null,
      chain: [snap('a1'), snap('a2')],
    });
    expect(c[snap('a3')]).toEqual({
      status: 'cycle',
      depth: null,
      root: null,
      chain: [snap('a1'), snap('a2'), snap('a3')],
    });
    const records = await lineage(store, snap('a1'));
    expect(records.map((r) => r.target.id).sort()).toEqual([snap('a1'), snap('a2'), snap('a3')]);
  });

  it('a self-copy (its source is its own target) is a cycle of one', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [copy('2026-03-02T10:00:00Z', 'us-east-1', 'e1', 'us-east-1', A1, 'e1')]);
    await correlate(store);
    const { rows } = await store.userQuery('select copy_id, parent_copy_id from copies');
    expect(rows[0]!.parent_copy_id).toBe(rows[0]!.copy_id);
    expect((await chains(store))[snap('e1')]).toEqual({
      status: 'cycle',
      depth: null,
      root: null,
      chain: [snap('e1')],
    });
    expect((await lineage(store, snap('e1'))).map((r) => r.target.id)).toEqual([snap('e1')]);
  });

  it('a chain of 70 copies: depth 0..64 complete, past the cap too_long with no root and its 65 nearest copies', async () => {
    const store = await memoryStore();
    const at = (i: number) => new Date(Date.parse('2026-03-02T00:00:00Z') + i * 60_000).toISOString();
    const records: unknown[] = [];
    for (let i = 1; i <= 70; i++) {
      const [from, to] = i % 2 ? ['us-east-1', 'us-west-2'] : ['us-west-2', 'us-east-1'];
      records.push(copy(at(i), from, `f${i - 1}`, to, A1, `f${i}`));
    }
    await deliver(store, tempDir(), records);
    await correlate(store);
    const c = await chains(store);
    expect(c[snap('f1')]!.depth).toBe(0);
    expect(c[snap('f65')]).toMatchObject({ status: 'complete', depth: 64, root: snap('f1') });
    expect(c[snap('f65')]!.chain).toHaveLength(65);
    for (const i of [66, 70]) {
      expect(c[snap(`f${i}`)]).toMatchObject({ status: 'too_long', depth: null, root: null });
      expect(c[snap(`f${i}`)]!.chain).toEqual(Array.from({ length: 65 }, (_, k) => snap(`f${i - 64 + k}`)));
    }
    // lineage reaches as far as the stored chains do: 64 copies up from the copy that made f70;
    // from f1, the copy that made it and the copy of it, and what lies within 64 below either
    expect(await lineage(store, snap('f70'))).toHaveLength(65);
    expect(await lineage(store, snap('f1'))).toHaveLength(66);
  });
});

describe('copy chains: read from the store', () => {
  it('lineage follows the stored chain, not parent_copy_id: parents cleared change nothing, a chain cut does', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copy('2026-03-02T02:00:00Z', 'us-east-1', 'g0', 'us-west-2', A1, 'g1'),
      copy('2026-03-02T03:00:00Z', 'us-west-2', 'g1', 'eu-west-1', A2, 'g2'),
      copy('2026-03-02T04:00:00Z', 'eu-west-1', 'g2', 'eu-north-1', A2, 'g3'),
    ]);
    await correlate(store);
    const all = [snap('g1'), snap('g2'), snap('g3')];
    expect((await lineage(store, snap('g1'))).map((r) => r.target.id)).toEqual(all);
    await store.userQuery('update copies set parent_copy_id = null');
    expect((await lineage(store, snap('g1'))).map((r) => r.target.id)).toEqual(all);
    // g3's stored chain no longer passes through g2: it is no longer on g1's lineage
    await store.userQuery(`update copies set chain = [copy_id] where target_id = '${snap('g3')}'`);
    expect((await lineage(store, snap('g1'))).map((r) => r.target.id)).toEqual([snap('g1'), snap('g2')]);
  });

  it('a store correlated before chains were stored is migrated, refused until correlate runs, then filled', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      copy('2026-03-02T02:00:00Z', 'us-east-1', 'h0', 'us-west-2', A1, 'h1'),
      copy('2026-03-02T03:00:00Z', 'us-west-2', 'h1', 'eu-west-1', A1, 'h2'),
    ]);
    await correlate(store);
    // back to the schema before 009, as an older copytrail left it
    for (const column of ['root_copy_id', 'chain_depth', 'chain', 'chain_status']) {
      await store.userQuery(`alter table copies drop column ${column}`);
    }
    await store.userQuery(`delete from schema_migrations where name = 'schema/009_copy_chains'`);
    expect(await store.migrate()).toBe(1);
    await expect(lineage(store, snap('h2'))).rejects.toThrow(
      /2 copies have no stored copy chain .*run copytrail correlate/,
    );
    await correlate(store);
    expect((await lineage(store, snap('h2'))).map((r) => r.target.id)).toEqual([snap('h1'), snap('h2')]);
  });
});
