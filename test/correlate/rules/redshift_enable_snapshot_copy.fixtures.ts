// Named scenarios for redshift_enable_snapshot_copy: cross-region snapshot copy switched on is an
// active edge to the destination region until DisableSnapshotCopy for that cluster, in that region
// and account. Records follow the Redshift API reference (shape inferred; no real record seen).
import { A1, A2, call, type RuleFixtures } from './fixture.ts';

const RS = 'redshift.amazonaws.com';

const enable = (id: string, at: string, cluster: string, to = 'eu-central-1', error?: string) =>
  call({
    id,
    at,
    source: RS,
    name: 'EnableSnapshotCopy',
    region: 'us-east-1',
    account: A1,
    error,
    rp: {
      clusterIdentifier: cluster,
      destinationRegion: to,
      retentionPeriod: 7,
      snapshotCopyGrantName: 'dr-grant',
    },
    re: {
      clusterIdentifier: cluster,
      encrypted: true,
      clusterSnapshotCopyStatus: {
        destinationRegion: to,
        retentionPeriod: 7,
        snapshotCopyGrantName: 'dr-grant',
      },
    },
  });

const disable = (
  id: string,
  at: string,
  cluster: string,
  o: { region?: string; account?: string; error?: string } = {},
) =>
  call({
    id,
    at,
    source: RS,
    name: 'DisableSnapshotCopy',
    region: o.region ?? 'us-east-1',
    account: o.account ?? A1,
    error: o.error,
    rp: { clusterIdentifier: cluster },
    re: { clusterIdentifier: cluster },
  });

const edge = {
  api: 'EnableSnapshotCopy',
  kind: 'redshift_snapshot_copy',
  source_id: 'analytics',
  source_region: 'us-east-1',
  source_account: A1,
  target_id: 'analytics',
  target_region: 'eu-central-1',
  target_account: A1,
};

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'snapshot copy to another region, later disabled: ended by that DisableSnapshotCopy',
      records: [
        enable('rs-enable', '2026-03-02T10:00:00Z', 'analytics'),
        disable('rs-disable', '2026-05-01T10:00:00Z', 'analytics'),
      ],
      copies: [{ copy_id: 'rs-enable', ...edge, status: 'ended' }],
      evidence: [
        { copy_id: 'rs-enable', event_id: 'rs-disable', side: 'source', match: 'configuration_end' },
      ],
    },
    {
      name: 'snapshot copy never disabled: active, with no evidence',
      records: [enable('rs-enable', '2026-03-02T10:00:00Z', 'analytics')],
      copies: [{ copy_id: 'rs-enable', ...edge, status: 'active' }],
      evidence: [],
    },
  ],
  negative: [
    {
      name: "another cluster's disable, a failed one, one in another region and one in another account end nothing",
      records: [
        enable('rs-enable', '2026-03-02T10:00:00Z', 'analytics'),
        disable('rs-disable-other', '2026-04-01T10:00:00Z', 'billing'),
        disable('rs-disable-refused', '2026-04-02T10:00:00Z', 'analytics', {
          error: 'UnauthorizedOperation',
        }),
        disable('rs-disable-west', '2026-04-03T10:00:00Z', 'analytics', { region: 'us-west-2' }),
        disable('rs-disable-acct', '2026-04-04T10:00:00Z', 'analytics', { account: A2 }),
      ],
      copies: [{ copy_id: 'rs-enable', ...edge, status: 'active' }],
      evidence: [],
      unlinked: ['rs-disable-other', 'rs-disable-refused', 'rs-disable-west', 'rs-disable-acct'],
    },
    {
      name: 'a failed enable is failed; a hostile cluster name is stored as data',
      records: [
        enable(
          'rs-enable-failed',
          '2026-03-02T10:00:00Z',
          'analytics',
          'eu-central-1',
          'SnapshotCopyGrantNotFoundFault',
        ),
        enable('rs-enable-hostile', '2026-03-02T11:00:00Z', "a'||(select 1)||'", 'eu-central-1'),
        disable('rs-disable', '2026-04-01T10:00:00Z', 'analytics'),
      ],
      copies: [
        { copy_id: 'rs-enable-failed', api: edge.api, kind: edge.kind, status: 'failed' },
        {
          copy_id: 'rs-enable-hostile',
          api: edge.api,
          kind: edge.kind,
          status: 'active',
          source_id: "a'||(select 1)||'",
        },
      ],
      evidence: [],
      unlinked: ['rs-disable'],
    },
  ],
};
