// Named scenarios for redshift_serverless_snapshot_copy_configuration: a namespace's snapshots
// copied to another region is an active edge until DeleteSnapshotCopyConfiguration, tied by the
// namespace and destination region its response repeats. Records follow the Redshift Serverless API
// reference (shape inferred; no real record seen).
import { A1, call, keyArn, type RuleFixtures } from './fixture.ts';

const RSS = 'redshift-serverless.amazonaws.com';
const DR_KEY = keyArn('eu-west-3', A1, 'b6b6b6b6-b6b6-4b6b-8b6b-b6b6b6b6b6b6');

const configuration = (id: string, namespace: string, to: string) => ({
  snapshotCopyConfigurationId: id,
  snapshotCopyConfigurationArn: `arn:aws:redshift-serverless:us-east-1:${A1}:snapshotcopyconfiguration/${id}`,
  namespaceName: namespace,
  destinationRegion: to,
  destinationKmsKeyId: DR_KEY,
  snapshotRetentionPeriod: 7,
});

const create = (id: string, at: string, namespace: string, to: string, error?: string) =>
  call({
    id,
    at,
    source: RSS,
    name: 'CreateSnapshotCopyConfiguration',
    region: 'us-east-1',
    account: A1,
    error,
    rp: {
      namespaceName: namespace,
      destinationRegion: to,
      destinationKmsKeyId: DR_KEY,
      snapshotRetentionPeriod: 7,
    },
    re: { snapshotCopyConfiguration: configuration(`cfg-${id}`, namespace, to) },
  });

const remove = (id: string, at: string, cfg: string, namespace: string, to: string, error?: string) =>
  call({
    id,
    at,
    source: RSS,
    name: 'DeleteSnapshotCopyConfiguration',
    region: 'us-east-1',
    account: A1,
    error,
    rp: { snapshotCopyConfigurationId: cfg },
    re: { snapshotCopyConfiguration: configuration(cfg, namespace, to) },
  });

const edge = {
  api: 'CreateSnapshotCopyConfiguration',
  kind: 'redshift_snapshot_copy',
  source_id: 'sales',
  source_region: 'us-east-1',
  source_account: A1,
  target_id: 'sales',
  target_region: 'eu-west-3',
  target_account: A1,
  target_key_arn: DR_KEY,
};

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'copy configuration to another region, deleted later: ended by the delete naming its namespace and region',
      records: [
        create('rss-create', '2026-03-02T10:00:00Z', 'sales', 'eu-west-3'),
        remove('rss-delete', '2026-04-02T10:00:00Z', 'cfg-rss-create', 'sales', 'eu-west-3'),
      ],
      copies: [{ copy_id: 'rss-create', ...edge, status: 'ended' }],
      evidence: [
        { copy_id: 'rss-create', event_id: 'rss-delete', side: 'source', match: 'configuration_end' },
      ],
    },
  ],
  negative: [
    {
      name: "the delete of the namespace's configuration to another region ends only that one",
      records: [
        create('rss-create', '2026-03-02T10:00:00Z', 'sales', 'eu-west-3'),
        create('rss-create-tokyo', '2026-03-02T10:05:00Z', 'sales', 'ap-northeast-1'),
        remove('rss-delete-tokyo', '2026-04-02T10:00:00Z', 'cfg-rss-create-tokyo', 'sales', 'ap-northeast-1'),
        remove(
          'rss-delete-refused',
          '2026-04-03T10:00:00Z',
          'cfg-rss-create',
          'sales',
          'eu-west-3',
          'AccessDeniedException',
        ),
      ],
      copies: [
        { copy_id: 'rss-create', ...edge, status: 'active' },
        {
          copy_id: 'rss-create-tokyo',
          api: edge.api,
          kind: edge.kind,
          status: 'ended',
          target_region: 'ap-northeast-1',
        },
      ],
      evidence: [
        {
          copy_id: 'rss-create-tokyo',
          event_id: 'rss-delete-tokyo',
          side: 'source',
          match: 'configuration_end',
        },
      ],
      unlinked: ['rss-delete-refused'],
    },
    {
      name: 'a failed create is failed and no delete ends it',
      records: [
        create('rss-create-failed', '2026-03-02T10:00:00Z', 'sales', 'eu-west-3', 'ValidationException'),
        remove('rss-delete', '2026-04-02T10:00:00Z', 'cfg-x', 'sales', 'eu-west-3'),
      ],
      copies: [{ copy_id: 'rss-create-failed', api: edge.api, kind: edge.kind, status: 'failed' }],
      evidence: [],
      unlinked: ['rss-delete'],
    },
  ],
};
