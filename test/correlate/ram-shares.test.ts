// RAM shares of EBS volumes become share rows (queries/correlate/rebuild_ram_shares.sql): one per
// (volume, principal) a call adds or removes, following each resource share's membership over its
// calls, with organization and OU principals kept as their ARN; and a recipient's CopyVolumes of a
// shared volume takes its owner from the share.
import { describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import type { Store } from '../../queries/store.ts';
import { memoryStore, tempDir } from '../helpers.ts';
import { deliver } from './fixtures.ts';
import { A1, A2, call } from './rules/fixture.ts';

const A3 = '222233334444';
const ORG = `arn:aws:organizations::${A1}:organization/o-abcdefghij`;
const OU = `arn:aws:organizations::${A1}:ou/o-abcdefghij/ou-ab12-cdefgh34`;
const SHARE = `arn:aws:ram:us-east-1:${A1}:resource-share/0f1e2d3c-0000-4000-8000-000000000001`;
const vol = (n: number) => `vol-0a3000000000000${n}`;
const volArn = (n: number) => `arn:aws:ec2:us-east-1:${A1}:volume/${vol(n)}`;

const ram = (id: string, at: string, name: string, rp: Record<string, unknown>, o: { error?: string } = {}) =>
  call({
    id,
    at,
    source: 'ram.amazonaws.com',
    name,
    region: 'us-east-1',
    account: A1,
    rp,
    re:
      name === 'CreateResourceShare'
        ? { resourceShare: { resourceShareArn: SHARE, owningAccountId: A1 } }
        : {},
    error: o.error,
  });

async function shares(store: Store) {
  const { rows } = await store.userQuery(
    `select event_id, artifact_id, artifact_kind, region, from_account, to_account, action
     from shares order by event_id, artifact_id, to_account`,
  );
  return rows.map((r) => `${r.event_id} ${r.action} ${r.artifact_id} -> ${r.to_account}`).sort();
}

describe('RAM shares of volumes', () => {
  it('one row per volume and principal, followed through later calls that name only one side of the share', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      ram('r1-create', '2026-03-01T10:00:00Z', 'CreateResourceShare', {
        name: 'data-volumes',
        resourceArns: [volArn(1), volArn(2), `arn:aws:ec2:us-east-1:${A1}:subnet/subnet-0a30000000000001`],
        principals: [A2, ORG, `arn:aws:iam::${A3}:role/Importer`],
      }),
      ram('r2-add-volume', '2026-03-01T11:00:00Z', 'AssociateResourceShare', {
        resourceShareArn: SHARE,
        resourceArns: [volArn(3)],
      }),
      ram('r3-add-ou', '2026-03-01T12:00:00Z', 'AssociateResourceShare', {
        resourceShareArn: SHARE,
        principals: [OU],
      }),
      ram('r4-remove-volume', '2026-03-01T13:00:00Z', 'DisassociateResourceShare', {
        resourceShareArn: SHARE,
        resourceArns: [volArn(1)],
      }),
      ram('r5-remove-account', '2026-03-01T14:00:00Z', 'DisassociateResourceShare', {
        resourceShareArn: SHARE,
        principals: [A2],
      }),
      ram('r7-delete', '2026-03-01T16:00:00Z', 'DeleteResourceShare', { resourceShareArn: SHARE }),
      ram(
        'r6-failed',
        '2026-03-01T15:00:00Z',
        'AssociateResourceShare',
        { resourceShareArn: SHARE, principals: ['999988887777'] },
        { error: 'UnknownResourceException' },
      ),
    ]);
    await correlate(store);
    expect(await shares(store)).toEqual(
      [
        // the share's two volumes with each of its principals; the subnet is not data
        `r1-create added ${vol(1)} -> ${A2}`,
        `r1-create added ${vol(1)} -> ${A3}`,
        `r1-create added ${vol(1)} -> ${ORG}`,
        `r1-create added ${vol(2)} -> ${A2}`,
        `r1-create added ${vol(2)} -> ${A3}`,
        `r1-create added ${vol(2)} -> ${ORG}`,
        // a volume added later reaches every principal the share holds
        `r2-add-volume added ${vol(3)} -> ${A2}`,
        `r2-add-volume added ${vol(3)} -> ${A3}`,
        `r2-add-volume added ${vol(3)} -> ${ORG}`,
        // a principal added later reaches every volume
        `r3-add-ou added ${vol(1)} -> ${OU}`,
        `r3-add-ou added ${vol(2)} -> ${OU}`,
        `r3-add-ou added ${vol(3)} -> ${OU}`,
        `r4-remove-volume removed ${vol(1)} -> ${A2}`,
        `r4-remove-volume removed ${vol(1)} -> ${A3}`,
        `r4-remove-volume removed ${vol(1)} -> ${OU}`,
        `r4-remove-volume removed ${vol(1)} -> ${ORG}`,
        // vol 1 was already out of the share
        `r5-remove-account removed ${vol(2)} -> ${A2}`,
        `r5-remove-account removed ${vol(3)} -> ${A2}`,
        // deleting the share ends every pair it still held
        `r7-delete removed ${vol(2)} -> ${A3}`,
        `r7-delete removed ${vol(2)} -> ${ORG}`,
        `r7-delete removed ${vol(2)} -> ${OU}`,
        `r7-delete removed ${vol(3)} -> ${A3}`,
        `r7-delete removed ${vol(3)} -> ${ORG}`,
        `r7-delete removed ${vol(3)} -> ${OU}`,
      ].sort(),
    );
    const { rows } = await store.userQuery(`select distinct artifact_kind, region, from_account from shares`);
    expect(rows).toEqual([{ artifact_kind: 'ebs_volume', region: 'us-east-1', from_account: A1 }]);
  });

  it('a RAM record of the wrong shape (lists that are not lists, ids that are not ARNs, nulls, empty principals) makes no share row and stops nothing', async () => {
    const store = await memoryStore();
    await deliver(store, tempDir(), [
      ram('h1', '2026-03-03T10:00:00Z', 'CreateResourceShare', { resourceArns: volArn(7), principals: A2 }),
      ram('h2', '2026-03-03T10:01:00Z', 'CreateResourceShare', {
        resourceArns: [{ arn: volArn(8) }, `${volArn(8)}'; drop table shares; --`, 42],
        principals: [{ account: A2 }, null],
      }),
      ram('h3', '2026-03-03T10:02:00Z', 'AssociateResourceShare', {
        resourceShareArn: 7,
        resourceArns: null,
      }),
      ram('h4', '2026-03-03T10:03:00Z', 'CreateResourceShare', {
        resourceArns: [volArn(9), null],
        principals: [null, A2, ''],
      }),
    ]);
    await correlate(store);
    // only the one well-formed pair of h4
    expect(await shares(store)).toEqual([`h4 added ${vol(9)} -> ${A2}`]);
  });

  it("a recipient's copy of a volume shared with it through RAM names the owner from the share; with no share, the copier", async () => {
    const store = await memoryStore();
    const copy = (id: string, at: string, from: string, to: string) =>
      call({
        id,
        at,
        source: 'ec2.amazonaws.com',
        name: 'CopyVolumes',
        region: 'us-east-1',
        account: A2,
        rp: { sourceVolumeId: from },
        re: { volumeSet: { items: [{ volumeId: to }] } },
      });
    await deliver(store, tempDir(), [
      ram('s1-create', '2026-03-02T10:00:00Z', 'CreateResourceShare', {
        resourceArns: [volArn(4)],
        principals: [A2],
      }),
      copy('s2-copy-shared', '2026-03-02T11:00:00Z', vol(4), 'vol-0a30000000000014'),
      copy('s3-copy-own', '2026-03-02T11:00:00Z', vol(5), 'vol-0a30000000000015'),
    ]);
    await correlate(store);
    const { rows } = await store.userQuery('select copy_id, source_account from copies order by copy_id');
    expect(rows).toEqual([
      { copy_id: 's2-copy-shared', source_account: A1 },
      { copy_id: 's3-copy-own', source_account: A2 },
    ]);
  });
});
