// Named scenarios for efs_create_replication_configuration: a replication is an edge that stays
// active until its source's replication configuration is deleted, and nothing else ends it.
// Records follow the EFS API reference (shape inferred; no real record seen).
import { A1, A2, call, keyArn, kms, type RuleFixtures } from './fixture.ts';

const EFS = 'elasticfilesystem.amazonaws.com';
const DR_KEY = keyArn('eu-west-1', A1, '0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e');

const replicate = (o: {
  id: string;
  at: string;
  source: string;
  target: string;
  region?: string;
  to?: string;
  owner?: string;
  error?: string;
}) => {
  const region = o.region ?? 'us-east-1';
  const to = o.to ?? 'eu-west-1';
  return call({
    id: o.id,
    at: o.at,
    source: EFS,
    name: 'CreateReplicationConfiguration',
    region,
    account: A1,
    error: o.error,
    rp: { sourceFileSystemId: o.source, destinations: [{ region: to, kmsKeyId: DR_KEY }] },
    re: {
      sourceFileSystemId: o.source,
      sourceFileSystemRegion: region,
      sourceFileSystemArn: `arn:aws:elasticfilesystem:${region}:${A1}:file-system/${o.source}`,
      originalSourceFileSystemArn: `arn:aws:elasticfilesystem:${region}:${A1}:file-system/${o.source}`,
      creationTime: 1772452800,
      destinations: [
        { fileSystemId: o.target, region: to, status: 'ENABLING', ...(o.owner ? { ownerId: o.owner } : {}) },
      ],
    },
  });
};

const deleteReplication = (id: string, at: string, source: string, region = 'us-east-1', error?: string) =>
  call({
    id,
    at,
    source: EFS,
    name: 'DeleteReplicationConfiguration',
    region,
    account: A1,
    error,
    rp: { sourceFileSystemId: source },
  });

const edge = {
  api: 'CreateReplicationConfiguration',
  kind: 'efs_replication',
  mechanism: 'manual',
  source_id: 'fs-0aaa1111bbbb2222c',
  source_arn: `arn:aws:elasticfilesystem:us-east-1:${A1}:file-system/fs-0aaa1111bbbb2222c`,
  source_region: 'us-east-1',
  source_account: A1,
  target_id: 'fs-0ddd3333eeee4444f',
  target_region: 'eu-west-1',
  target_account: A1,
  target_key_arn: DR_KEY,
};

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'replication to another region, later deleted from the source region: active, then ended by that delete',
      records: [
        replicate({
          id: 'efs-repl',
          at: '2026-03-02T10:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
        }),
        deleteReplication('efs-delete', '2026-04-01T10:00:00Z', edge.source_id),
      ],
      copies: [{ copy_id: 'efs-repl', ...edge, status: 'ended' }],
      evidence: [{ copy_id: 'efs-repl', event_id: 'efs-delete', side: 'source', match: 'configuration_end' }],
    },
    {
      name: 'the delete sent to the destination region ends it too',
      records: [
        replicate({
          id: 'efs-repl',
          at: '2026-03-02T10:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
        }),
        deleteReplication('efs-delete-dr', '2026-04-01T10:00:00Z', edge.source_id, 'eu-west-1'),
      ],
      copies: [{ copy_id: 'efs-repl', ...edge, status: 'ended' }],
      evidence: [
        { copy_id: 'efs-repl', event_id: 'efs-delete-dr', side: 'source', match: 'configuration_end' },
      ],
    },
    {
      name: 'replication never deleted: active, declared with no evidence',
      records: [
        replicate({
          id: 'efs-repl',
          at: '2026-03-02T10:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
        }),
      ],
      copies: [{ copy_id: 'efs-repl', ...edge, status: 'active' }],
      evidence: [],
    },
    {
      name: 'switched off, on again, off again: each delete ends only the configuration made just before it',
      records: [
        replicate({
          id: 'efs-repl-1',
          at: '2026-03-02T10:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
        }),
        deleteReplication('efs-delete-1', '2026-03-10T10:00:00Z', edge.source_id),
        replicate({
          id: 'efs-repl-2',
          at: '2026-03-20T10:00:00Z',
          source: edge.source_id,
          target: 'fs-0fff5555aaaa6666b',
        }),
        deleteReplication('efs-delete-2', '2026-04-10T10:00:00Z', edge.source_id),
        replicate({
          id: 'efs-repl-3',
          at: '2026-04-20T10:00:00Z',
          source: edge.source_id,
          target: 'fs-0bbb7777cccc8888d',
        }),
      ],
      copies: [
        { copy_id: 'efs-repl-1', status: 'ended', api: edge.api, kind: edge.kind },
        {
          copy_id: 'efs-repl-2',
          status: 'ended',
          api: edge.api,
          kind: edge.kind,
          target_id: 'fs-0fff5555aaaa6666b',
        },
        {
          copy_id: 'efs-repl-3',
          status: 'active',
          api: edge.api,
          kind: edge.kind,
          target_id: 'fs-0bbb7777cccc8888d',
        },
      ],
      evidence: [
        { copy_id: 'efs-repl-1', event_id: 'efs-delete-1', side: 'source', match: 'configuration_end' },
        { copy_id: 'efs-repl-2', event_id: 'efs-delete-2', side: 'source', match: 'configuration_end' },
      ],
    },
    {
      name: "cross-account replication: the destination's owner from the response",
      records: [
        replicate({
          id: 'efs-repl-xacct',
          at: '2026-03-02T10:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
          owner: A2,
        }),
      ],
      copies: [{ copy_id: 'efs-repl-xacct', ...edge, target_account: A2, status: 'active' }],
      evidence: [],
    },
  ],
  negative: [
    {
      name: 'a failed replication is failed, and a later delete does not end it',
      records: [
        replicate({
          id: 'efs-repl-failed',
          at: '2026-03-02T10:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
          error: 'ReplicationNotFound',
        }),
        deleteReplication('efs-delete', '2026-04-01T10:00:00Z', edge.source_id),
      ],
      copies: [{ copy_id: 'efs-repl-failed', api: edge.api, kind: edge.kind, status: 'failed' }],
      evidence: [],
      unlinked: ['efs-delete'],
    },
    {
      name: "another file system's delete, a failed delete, and one made before the replication end nothing",
      records: [
        deleteReplication('efs-delete-before', '2026-03-01T10:00:00Z', edge.source_id),
        replicate({
          id: 'efs-repl',
          at: '2026-03-02T10:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
        }),
        deleteReplication('efs-delete-other', '2026-04-01T10:00:00Z', 'fs-0999aaaa9999aaaa9'),
        deleteReplication(
          'efs-delete-refused',
          '2026-04-02T10:00:00Z',
          edge.source_id,
          'us-east-1',
          'AccessDenied',
        ),
        deleteReplication('efs-delete-elsewhere', '2026-04-03T10:00:00Z', edge.source_id, 'ap-south-1'),
      ],
      copies: [{ copy_id: 'efs-repl', ...edge, status: 'active' }],
      evidence: [],
      unlinked: ['efs-delete-before', 'efs-delete-other', 'efs-delete-refused', 'efs-delete-elsewhere'],
    },
    {
      name: 'a KMS record of the destination key with no context, in the same minute, is no evidence (no weak hint)',
      records: [
        replicate({
          id: 'efs-repl',
          at: '2026-03-02T10:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
        }),
        kms({
          id: 'efs-bare-gdk',
          at: '2026-03-02T10:00:30Z',
          name: 'GenerateDataKey',
          region: 'eu-west-1',
          account: A1,
          key: DR_KEY,
          invokedBy: EFS,
        }),
      ],
      copies: [{ copy_id: 'efs-repl', ...edge, status: 'active' }],
      evidence: [],
      unlinked: ['efs-bare-gdk'],
    },
    {
      name: 'a hostile file system id is stored as data, and a delete naming it with SQL in it ends nothing else',
      records: [
        replicate({
          id: 'efs-repl-hostile',
          at: '2026-03-02T10:00:00Z',
          source: "fs-1' or '1'='1",
          target: '<img src=x onerror=alert(1)>',
        }),
        replicate({
          id: 'efs-repl',
          at: '2026-03-02T11:00:00Z',
          source: edge.source_id,
          target: edge.target_id,
        }),
        deleteReplication('efs-delete-hostile', '2026-04-01T10:00:00Z', "x' or '1'='1"),
      ],
      copies: [
        {
          copy_id: 'efs-repl-hostile',
          api: edge.api,
          kind: edge.kind,
          status: 'active',
          source_id: "fs-1' or '1'='1",
          target_id: '<img src=x onerror=alert(1)>',
        },
        { copy_id: 'efs-repl', ...edge, status: 'active' },
      ],
      evidence: [],
      unlinked: ['efs-delete-hostile'],
    },
  ],
};
