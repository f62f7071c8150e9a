// Named scenarios for rds_copy_db_cluster_snapshot: what must link to a CopyDBClusterSnapshot, and
// what must not.
import { A1, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const EU_KEY = keyArn('eu-west-1', A1, '77777777-7777-4777-8777-777777777777');
const US_KEY = keyArn('us-east-1', A1, '88888888-8888-4888-8888-888888888888');

const copyCluster = (id: string, at: string, from: string, to: string, clusterId: string) =>
  call({
    id,
    at,
    source: 'rds.amazonaws.com',
    name: 'CopyDBClusterSnapshot',
    region: 'eu-west-1',
    account: A1,
    rp: {
      sourceDBClusterSnapshotIdentifier: `arn:aws:rds:us-east-1:${A1}:cluster-snapshot:${from}`,
      targetDBClusterSnapshotIdentifier: to,
      kmsKeyId: EU_KEY,
    },
    re: {
      dBClusterSnapshotIdentifier: to,
      dBClusterSnapshotArn: `arn:aws:rds:eu-west-1:${A1}:cluster-snapshot:${to}`,
      dbClusterResourceId: clusterId,
      storageEncrypted: true,
    },
  });

/**
 * DocumentDB and Neptune copy cluster snapshots through the same RDS API; only the response's engine
 * tells them apart. Shape inferred from the API reference (DBClusterSnapshot.Engine); no real record
 * seen. Their storage keys are assumed to carry the cluster's resource id as Aurora's do.
 */
const copyEngineCluster = (
  id: string,
  at: string,
  engine: string,
  from: string,
  to: string,
  clusterId: string,
) => {
  const record = copyCluster(id, at, from, to, clusterId);
  return { ...record, responseElements: { ...(record.responseElements as object), engine } };
};

const rdsKms = (id: string, at: string, region: string, key: string, ctx: Record<string, string>) =>
  kms({ id, at, name: 'GenerateDataKey', region, account: A1, key, ctx, invokedBy: 'rds.amazonaws.com' });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: "an Aurora cluster snapshot copied across regions: the cluster's resource id under aws:rds:db-id on both sides",
      records: [
        copyCluster(
          'rdsc-copy',
          '2026-03-02T10:00:00Z',
          'aurora-1',
          'aurora-1-eu',
          'cluster-ABCDEFGHIJKLMNOPQRSTUV',
        ),
        kms({
          id: 'rdsc-source-decrypt',
          at: '2026-03-02T10:30:00Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A1,
          key: US_KEY,
          ctx: { 'aws:rds:db-id': 'cluster-ABCDEFGHIJKLMNOPQRSTUV' },
          invokedBy: 'rds.amazonaws.com',
        }),
        rdsKms('rdsc-target-gdk', '2026-03-02T11:00:00Z', 'eu-west-1', EU_KEY, {
          'aws:rds:db-id': 'cluster-ABCDEFGHIJKLMNOPQRSTUV',
        }),
      ],
      copies: [
        {
          copy_id: 'rdsc-copy',
          api: 'CopyDBClusterSnapshot',
          kind: 'rds_cluster_snapshot',
          source_id: 'aurora-1',
          source_region: 'us-east-1',
          source_account: A1,
          target_id: 'aurora-1-eu',
          target_arn: `arn:aws:rds:eu-west-1:${A1}:cluster-snapshot:aurora-1-eu`,
          target_region: 'eu-west-1',
          source_key_arn: US_KEY,
          target_key_arn: EU_KEY,
        },
      ],
      evidence: [
        { copy_id: 'rdsc-copy', event_id: 'rdsc-source-decrypt', side: 'source', match: 'source_context' },
        { copy_id: 'rdsc-copy', event_id: 'rdsc-target-gdk', side: 'target', match: 'encryption_context' },
      ],
    },
    {
      name: 'a DocumentDB cluster snapshot copied across regions is an RDS cluster snapshot copy of engine docdb, with its cluster id on both sides',
      records: [
        copyEngineCluster(
          'docdb-copy',
          '2026-03-02T10:00:00Z',
          'docdb',
          'catalog-1',
          'catalog-1-eu',
          'cluster-DOCDBAAAAAAAAAAAAAAAAA',
        ),
        rdsKms('docdb-source-decrypt', '2026-03-02T10:30:00Z', 'us-east-1', US_KEY, {
          'aws:rds:db-id': 'cluster-DOCDBAAAAAAAAAAAAAAAAA',
        }),
        rdsKms('docdb-target-gdk', '2026-03-02T11:00:00Z', 'eu-west-1', EU_KEY, {
          'aws:rds:db-id': 'cluster-DOCDBAAAAAAAAAAAAAAAAA',
        }),
      ],
      copies: [
        {
          copy_id: 'docdb-copy',
          api: 'CopyDBClusterSnapshot',
          kind: 'rds_cluster_snapshot',
          engine: 'docdb',
          source_id: 'catalog-1',
          target_id: 'catalog-1-eu',
          target_region: 'eu-west-1',
        },
      ],
      evidence: [
        { copy_id: 'docdb-copy', event_id: 'docdb-source-decrypt', side: 'source', match: 'source_context' },
        { copy_id: 'docdb-copy', event_id: 'docdb-target-gdk', side: 'target', match: 'encryption_context' },
      ],
    },
    {
      name: 'a Neptune cluster snapshot copied across regions is an RDS cluster snapshot copy of engine neptune, with its cluster id on both sides',
      records: [
        copyEngineCluster(
          'neptune-copy',
          '2026-03-02T10:00:00Z',
          'neptune',
          'graph-1',
          'graph-1-eu',
          'cluster-NEPTUNEAAAAAAAAAAAAAAA',
        ),
        rdsKms('neptune-source-decrypt', '2026-03-02T10:30:00Z', 'us-east-1', US_KEY, {
          'aws:rds:db-id': 'cluster-NEPTUNEAAAAAAAAAAAAAAA',
        }),
        rdsKms('neptune-target-gdk', '2026-03-02T11:00:00Z', 'eu-west-1', EU_KEY, {
          'aws:rds:db-id': 'cluster-NEPTUNEAAAAAAAAAAAAAAA',
        }),
      ],
      copies: [
        {
          copy_id: 'neptune-copy',
          api: 'CopyDBClusterSnapshot',
          kind: 'rds_cluster_snapshot',
          engine: 'neptune',
          source_id: 'graph-1',
          target_id: 'graph-1-eu',
        },
      ],
      evidence: [
        {
          copy_id: 'neptune-copy',
          event_id: 'neptune-source-decrypt',
          side: 'source',
          match: 'source_context',
        },
        {
          copy_id: 'neptune-copy',
          event_id: 'neptune-target-gdk',
          side: 'target',
          match: 'encryption_context',
        },
      ],
    },
  ],
  negative: [
    {
      name: "a DocumentDB copy and a Neptune copy at once: each keeps its engine and its own cluster's records, neither takes an Aurora cluster's",
      records: [
        copyEngineCluster(
          'docdb-neg-copy',
          '2026-03-02T10:00:00Z',
          'docdb',
          'catalog-2',
          'catalog-2-eu',
          'cluster-DOCDBBBBBBBBBBBBBBBBBB',
        ),
        copyEngineCluster(
          'neptune-neg-copy',
          '2026-03-02T10:00:00Z',
          'neptune',
          'graph-2',
          'graph-2-eu',
          'cluster-NEPTUNEBBBBBBBBBBBBBBB',
        ),
        rdsKms('docdb-neg-own', '2026-03-02T11:00:00Z', 'eu-west-1', EU_KEY, {
          'aws:rds:db-id': 'cluster-DOCDBBBBBBBBBBBBBBBBBB',
        }),
        rdsKms('engines-neg-aurora', '2026-03-02T11:00:00Z', 'eu-west-1', EU_KEY, {
          'aws:rds:db-id': 'cluster-AURORABBBBBBBBBBBBBBBB',
        }),
      ],
      copies: [
        {
          copy_id: 'docdb-neg-copy',
          api: 'CopyDBClusterSnapshot',
          kind: 'rds_cluster_snapshot',
          engine: 'docdb',
        },
        {
          copy_id: 'neptune-neg-copy',
          api: 'CopyDBClusterSnapshot',
          kind: 'rds_cluster_snapshot',
          engine: 'neptune',
        },
      ],
      evidence: [
        { copy_id: 'docdb-neg-copy', event_id: 'docdb-neg-own', side: 'target', match: 'encryption_context' },
      ],
      unlinked: ['engines-neg-aurora'],
    },
    {
      name: 'the cluster id under an EBS key, in a region neither side is in, or before the call does not link',
      records: [
        copyCluster(
          'rdsc-neg-copy',
          '2026-03-02T10:00:00Z',
          'aurora-2',
          'aurora-2-eu',
          'cluster-NEGNEGNEGNEGNEGNEGNEGNEG',
        ),
        rdsKms('rdsc-neg-ebs-key', '2026-03-02T11:00:00Z', 'eu-west-1', EU_KEY, {
          'aws:ebs:id': 'cluster-NEGNEGNEGNEGNEGNEGNEGNEG',
        }),
        rdsKms('rdsc-neg-third-region', '2026-03-02T11:00:00Z', 'ap-south-1', keyArn('ap-south-1', A1, 'k'), {
          'aws:rds:db-id': 'cluster-NEGNEGNEGNEGNEGNEGNEGNEG',
        }),
        rdsKms('rdsc-neg-before', '2026-03-02T09:00:00Z', 'eu-west-1', EU_KEY, {
          'aws:rds:db-id': 'cluster-NEGNEGNEGNEGNEGNEGNEGNEG',
        }),
      ],
      copies: [
        {
          copy_id: 'rdsc-neg-copy',
          api: 'CopyDBClusterSnapshot',
          kind: 'rds_cluster_snapshot',
          target_id: 'aurora-2-eu',
          target_key_arn: EU_KEY,
        },
      ],
      evidence: [],
      unlinked: ['rdsc-neg-ebs-key', 'rdsc-neg-third-region', 'rdsc-neg-before'],
    },
  ],
};
