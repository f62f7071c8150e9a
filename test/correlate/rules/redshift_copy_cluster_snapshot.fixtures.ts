// Named scenarios for redshift_copy_cluster_snapshot: an automated snapshot copied to a manual one
// in the same region is an edge with no KMS evidence. Records follow the Redshift API reference
// (shape inferred; no real record seen).
import { A1, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const KEY = keyArn('us-east-1', A1, 'a5a5a5a5-a5a5-4a5a-8a5a-a5a5a5a5a5a5');

const copySnapshot = (id: string, at: string, source: string, target: string, error?: string) =>
  call({
    id,
    at,
    source: 'redshift.amazonaws.com',
    name: 'CopyClusterSnapshot',
    region: 'us-east-1',
    account: A1,
    error,
    rp: {
      sourceSnapshotIdentifier: source,
      sourceSnapshotClusterIdentifier: 'analytics',
      targetSnapshotIdentifier: target,
    },
    re: {
      snapshotIdentifier: target,
      clusterIdentifier: 'analytics',
      snapshotType: 'manual',
      status: 'creating',
      encrypted: true,
      kmsKeyId: KEY,
    },
  });

const edge = {
  api: 'CopyClusterSnapshot',
  kind: 'redshift_snapshot',
  source_id: 'rs:analytics-2026-03-02-10-00',
  source_region: 'us-east-1',
  source_account: A1,
  target_id: 'analytics-keep-2026-03',
  target_region: 'us-east-1',
  target_account: A1,
  target_key_arn: KEY,
};

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'automated snapshot copied to a manual one: same region and account, key from the response',
      records: [copySnapshot('rs-copy', '2026-03-02T11:00:00Z', edge.source_id, edge.target_id)],
      copies: [{ copy_id: 'rs-copy', ...edge, status: 'requested' }],
      evidence: [],
    },
  ],
  negative: [
    {
      name: 'a failed copy is failed; a context-free KMS record of the key in that minute is no evidence',
      records: [
        copySnapshot(
          'rs-copy-failed',
          '2026-03-02T11:00:00Z',
          edge.source_id,
          edge.target_id,
          'ClusterSnapshotNotFound',
        ),
        copySnapshot('rs-copy', '2026-03-02T12:00:00Z', edge.source_id, edge.target_id),
        kms({
          id: 'rs-bare-decrypt',
          at: '2026-03-02T12:00:05Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A1,
          key: KEY,
          invokedBy: 'redshift.amazonaws.com',
        }),
      ],
      copies: [
        { copy_id: 'rs-copy-failed', api: edge.api, kind: edge.kind, status: 'failed' },
        { copy_id: 'rs-copy', ...edge, status: 'requested' },
      ],
      evidence: [],
      unlinked: ['rs-bare-decrypt'],
    },
    {
      name: 'a hostile snapshot name is stored as data',
      records: [
        copySnapshot(
          'rs-copy-hostile',
          '2026-03-02T11:00:00Z',
          '"><svg onload=alert(1)>',
          "x'; delete from copies; --",
        ),
        kms({
          id: 'rs-ctx-other',
          at: '2026-03-02T11:00:05Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A1,
          key: KEY,
          ctx: { 'aws:redshift:arn': `arn:aws:redshift:us-east-1:${A1}:cluster:analytics` },
        }),
      ],
      copies: [
        {
          copy_id: 'rs-copy-hostile',
          api: edge.api,
          kind: edge.kind,
          source_id: '"><svg onload=alert(1)>',
          target_id: "x'; delete from copies; --",
        },
      ],
      evidence: [],
      unlinked: ['rs-ctx-other'],
    },
  ],
};
