// Named scenarios for ebs_copy_snapshot: what must link to a CopySnapshot, and what must not.
import { A1, A2, call, keyArn, kms, operator, type RuleFixtures, serviceEvent } from './fixture.ts';

const SRC_KEY = keyArn('us-east-1', A1, '11111111-1111-4111-8111-111111111111');
const DST_KEY = keyArn('us-west-2', A1, '22222222-2222-4222-8222-222222222222');
const VAULT_KEY = keyArn('us-east-1', A2, '55555555-5555-4555-8555-555555555555');

const createSnapshot = (id: string, at: string, volume: string, snapshot: string, key: string) =>
  call({
    id,
    at,
    source: 'ec2.amazonaws.com',
    name: 'CreateSnapshot',
    region: 'us-east-1',
    account: A1,
    rp: { volumeId: volume },
    re: { snapshotId: snapshot, volumeId: volume, encrypted: true, kmsKeyId: key, ownerId: A1 },
  });

const copySnapshot = (o: {
  id: string;
  at: string;
  region: string;
  account: string;
  from: string;
  to?: string;
  key?: string;
  requestId?: string;
  error?: string;
  identity?: Record<string, unknown>;
}) =>
  call({
    id: o.id,
    at: o.at,
    source: 'ec2.amazonaws.com',
    name: 'CopySnapshot',
    region: o.region,
    account: o.account,
    requestId: o.requestId,
    error: o.error,
    identity: o.identity,
    rp: {
      sourceRegion: 'us-east-1',
      sourceSnapshotId: o.from,
      encrypted: true,
      ...(o.key ? { kmsKeyId: o.key } : {}),
    },
    re: { snapshotId: o.to },
  });

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: 'a same-region copy under a new key: its ReEncrypt names both keys, so the hop has a source key and a key change though no source-side record was seen',
      records: [
        copySnapshot({
          id: 'ebs-reenc-copy',
          at: '2026-03-06T10:00:00Z',
          region: 'us-east-1',
          account: A2,
          from: 'snap-0a10000000000001',
          to: 'snap-0a10000000000002',
          key: VAULT_KEY,
        }),
        {
          ...kms({
            id: 'ebs-reenc',
            at: '2026-03-06T10:00:02Z',
            name: 'ReEncrypt',
            region: 'us-east-1',
            account: A2,
            key: VAULT_KEY,
          }),
          requestParameters: {
            destinationKeyId: VAULT_KEY,
            sourceEncryptionContext: { 'aws:ebs:id': 'vol-0a10000000000009' },
            destinationEncryptionContext: { 'aws:ebs:id': 'snap-0a10000000000002' },
          },
          resources: [
            { accountId: A1, type: 'AWS::KMS::Key', ARN: SRC_KEY },
            { accountId: A2, type: 'AWS::KMS::Key', ARN: VAULT_KEY },
          ],
        },
      ],
      copies: [
        {
          copy_id: 'ebs-reenc-copy',
          api: 'CopySnapshot',
          kind: 'ebs_snapshot',
          source_key_arn: SRC_KEY,
          target_key_arn: VAULT_KEY,
          key_change: 'new_key',
        },
      ],
      evidence: [
        { copy_id: 'ebs-reenc-copy', event_id: 'ebs-reenc', side: 'target', match: 'encryption_context' },
      ],
    },
    {
      name: "a record that names no resource, with the copy's key in its region within minutes, is a weak hint when it fits that one copy",
      records: [
        copySnapshot({
          id: 'ebs-weak-copy',
          at: '2026-03-03T10:00:00Z',
          region: 'us-west-2',
          account: A1,
          from: 'snap-0f00000000000001',
          to: 'snap-0f00000000000002',
          key: DST_KEY,
        }),
        kms({
          id: 'ebs-weak-decrypt',
          at: '2026-03-03T10:01:00Z',
          name: 'Decrypt',
          region: 'us-west-2',
          account: A1,
          key: DST_KEY,
        }),
      ],
      copies: [{ copy_id: 'ebs-weak-copy', api: 'CopySnapshot', kind: 'ebs_snapshot' }],
      evidence: [
        { copy_id: 'ebs-weak-copy', event_id: 'ebs-weak-decrypt', side: 'target', match: 'key_time_window' },
      ],
    },
    {
      name: "cross-region copy: the new snapshot's data key is target evidence, the source volume's grant source evidence",
      records: [
        createSnapshot(
          'ebs-create',
          '2026-03-02T09:00:00Z',
          'vol-0a00000000000001',
          'snap-0a00000000000001',
          SRC_KEY,
        ),
        copySnapshot({
          id: 'ebs-copy',
          at: '2026-03-02T10:00:05Z',
          region: 'us-west-2',
          account: A1,
          from: 'snap-0a00000000000001',
          to: 'snap-0a00000000000002',
          key: DST_KEY,
        }),
        kms({
          id: 'ebs-target-gdk',
          at: '2026-03-02T10:00:06Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'us-west-2',
          account: A1,
          key: DST_KEY,
          ctx: { 'aws:ebs:id': 'snap-0a00000000000002' },
        }),
        kms({
          id: 'ebs-source-grant',
          at: '2026-03-02T10:00:07Z',
          name: 'CreateGrant',
          region: 'us-east-1',
          account: A1,
          key: SRC_KEY,
          grantCtx: { 'aws:ebs:id': 'vol-0a00000000000001' },
        }),
      ],
      copies: [
        {
          copy_id: 'ebs-copy',
          api: 'CopySnapshot',
          kind: 'ebs_snapshot',
          mechanism: 'manual',
          status: 'requested',
          source_id: 'snap-0a00000000000001',
          source_region: 'us-east-1',
          source_account: A1,
          source_key_arn: SRC_KEY,
          target_id: 'snap-0a00000000000002',
          target_region: 'us-west-2',
          target_account: A1,
          target_key_arn: DST_KEY,
          key_change: 'new_key',
        },
      ],
      evidence: [
        { copy_id: 'ebs-copy', event_id: 'ebs-source-grant', side: 'source', match: 'source_context' },
        { copy_id: 'ebs-copy', event_id: 'ebs-target-gdk', side: 'target', match: 'encryption_context' },
      ],
    },
    {
      name: "another account copies a shared snapshot: its grant by request id, the owner's copy of it by sharedEventID, the owner's notice as a service event",
      records: [
        createSnapshot(
          'ebs-x-create',
          '2026-03-02T01:00:00Z',
          'vol-0b00000000000001',
          'snap-0b00000000000001',
          SRC_KEY,
        ),
        copySnapshot({
          id: 'ebs-x-copy',
          at: '2026-03-02T02:00:00Z',
          region: 'us-east-1',
          account: A2,
          from: 'snap-0b00000000000001',
          to: 'snap-0b00000000000002',
          key: VAULT_KEY,
          requestId: 'req-x',
        }),
        kms({
          id: 'ebs-x-grant-copier',
          at: '2026-03-02T02:00:02Z',
          name: 'CreateGrant',
          region: 'us-east-1',
          account: A2,
          key: SRC_KEY,
          requestId: 'req-x',
          sharedEventId: 'shared-x',
        }),
        kms({
          id: 'ebs-x-grant-owner',
          at: '2026-03-02T02:00:02Z',
          name: 'CreateGrant',
          region: 'us-east-1',
          account: A1,
          key: SRC_KEY,
          sharedEventId: 'shared-x',
        }),
        serviceEvent({
          id: 'ebs-x-notice',
          at: '2026-03-02T02:00:10Z',
          source: 'ec2.amazonaws.com',
          name: 'SharedSnapshotCopyInitiated',
          region: 'us-east-1',
          account: A1,
          actor: A2,
          details: { snapshotId: 'snap-0b00000000000001' },
        }),
      ],
      copies: [
        {
          copy_id: 'ebs-x-copy',
          api: 'CopySnapshot',
          kind: 'ebs_snapshot',
          source_account: A1,
          target_account: A2,
          source_key_arn: SRC_KEY,
        },
      ],
      evidence: [
        { copy_id: 'ebs-x-copy', event_id: 'ebs-x-grant-copier', side: 'source', match: 'request_id' },
        { copy_id: 'ebs-x-copy', event_id: 'ebs-x-grant-owner', side: 'source', match: 'shared_event' },
        { copy_id: 'ebs-x-copy', event_id: 'ebs-x-notice', side: 'source', match: 'service_event' },
      ],
    },
    {
      name: "a copy by the AWS Backup role takes its job's CopyJobCompleted, which names the new snapshot and completes it",
      records: [
        copySnapshot({
          id: 'ebs-bk-copy',
          at: '2026-03-02T05:00:00Z',
          region: 'us-west-2',
          account: A1,
          from: 'snap-0c00000000000001',
          to: 'snap-0c00000000000002',
          identity: {
            type: 'AssumedRole',
            arn: `arn:aws:sts::${A1}:assumed-role/AWSBackupDefaultServiceRole/AWSBackup-AWSBackupDefaultServiceRole`,
            accountId: A1,
            invokedBy: 'backup.amazonaws.com',
          },
        }),
        serviceEvent({
          id: 'ebs-bk-done',
          at: '2026-03-02T05:40:00Z',
          source: 'backup.amazonaws.com',
          name: 'CopyJobCompleted',
          region: 'us-east-1',
          account: A1,
          actor: A1,
          details: {
            copyJobId: 'job-77',
            state: 'COMPLETED',
            sourceRecoveryPointArn: 'arn:aws:ec2:us-east-1::snapshot/snap-0c00000000000001',
            destinationRecoveryPointArn: 'arn:aws:ec2:us-west-2::snapshot/snap-0c00000000000002',
          },
        }),
      ],
      copies: [
        {
          copy_id: 'ebs-bk-copy',
          api: 'CopySnapshot',
          kind: 'ebs_snapshot',
          mechanism: 'aws_backup',
          status: 'completed',
        },
      ],
      evidence: [{ copy_id: 'ebs-bk-copy', event_id: 'ebs-bk-done', side: 'target', match: 'service_event' }],
    },
    {
      name: "the owner's notice of a copy by an account whose trail we do not have is a copy of its own, with the source's KMS reads",
      records: [
        createSnapshot(
          'ebs-ext-create',
          '2026-03-02T01:00:00Z',
          'vol-0d00000000000001',
          'snap-0d00000000000001',
          SRC_KEY,
        ),
        serviceEvent({
          id: 'ebs-ext-notice',
          at: '2026-03-02T01:30:00Z',
          source: 'ec2.amazonaws.com',
          name: 'SharedSnapshotCopyInitiated',
          region: 'us-east-1',
          account: A1,
          actor: '999988887777',
          details: { snapshotId: 'snap-0d00000000000001' },
        }),
        kms({
          id: 'ebs-ext-decrypt',
          at: '2026-03-02T01:31:00Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A1,
          key: SRC_KEY,
          ctx: { 'aws:ebs:id': 'vol-0d00000000000001' },
        }),
      ],
      copies: [
        {
          copy_id: 'ebs-ext-notice',
          api: 'SharedSnapshotCopyInitiated',
          kind: 'ebs_snapshot',
          mechanism: 'unknown',
          source_id: 'snap-0d00000000000001',
          source_region: 'us-east-1',
          source_account: A1,
          target_id: null,
          target_region: null,
          target_account: '999988887777',
        },
      ],
      evidence: [
        { copy_id: 'ebs-ext-notice', event_id: 'ebs-ext-decrypt', side: 'source', match: 'source_context' },
      ],
    },
  ],
  negative: [
    {
      name: "an instance attaching the source volume hours after a copy is not the copy's source read: the grant to its EC2 infrastructure session and that session's Decrypt stay unlinked",
      records: [
        createSnapshot(
          'ebs-att-create',
          '2026-03-05T01:00:00Z',
          'vol-0b00000000000001',
          'snap-0b00000000000001',
          SRC_KEY,
        ),
        copySnapshot({
          id: 'ebs-att-copy',
          at: '2026-03-05T02:00:00Z',
          region: 'us-west-2',
          account: A1,
          from: 'snap-0b00000000000001',
          to: 'snap-0b00000000000002',
          key: DST_KEY,
        }),
        {
          ...kms({
            id: 'ebs-att-grant',
            at: '2026-03-05T05:00:00Z',
            name: 'CreateGrant',
            region: 'us-east-1',
            account: A1,
            key: SRC_KEY,
            grantCtx: { 'aws:ebs:id': 'vol-0b00000000000001' },
            requestId: 'req-attach',
          }),
          userIdentity: { ...operator(A1), invokedBy: 'ec2-frontend-api.amazonaws.com' },
          requestParameters: {
            keyId: SRC_KEY,
            operations: ['Decrypt'],
            retiringPrincipal: 'ec2.us-east-1.amazonaws.com',
            granteePrincipal: `arn:aws:sts::${A1}:assumed-role/aws:ec2-infrastructure/i-0a00000000000001`,
            constraints: { encryptionContextSubset: { 'aws:ebs:id': 'vol-0b00000000000001' } },
          },
        },
        {
          ...kms({
            id: 'ebs-att-decrypt',
            at: '2026-03-05T05:00:01Z',
            name: 'Decrypt',
            region: 'us-east-1',
            account: A1,
            key: SRC_KEY,
            ctx: { 'aws:ebs:id': 'vol-0b00000000000001' },
            requestId: 'req-attach',
          }),
          userIdentity: {
            type: 'AssumedRole',
            principalId: `${A1}:aws:ec2-infrastructure:i-0a00000000000001`,
            arn: `arn:aws:sts::${A1}:assumed-role/aws:ec2-infrastructure/i-0a00000000000001`,
            accountId: A1,
            invokedBy: 'AWS Internal',
            inScopeOf: {
              issuerType: 'AWS::EC2::Instance',
              credentialsIssuedTo: `arn:aws:ec2:us-east-1:${A1}:instance/i-0a00000000000001`,
            },
          },
        },
      ],
      copies: [{ copy_id: 'ebs-att-copy', api: 'CopySnapshot', kind: 'ebs_snapshot' }],
      evidence: [],
      unlinked: ['ebs-att-grant', 'ebs-att-decrypt'],
    },
    {
      name: 'a fleet of copies under one key in one minute: a record that names no resource fits them all and is evidence of none',
      records: [
        ...[1, 2, 3].map((n) =>
          copySnapshot({
            id: `ebs-fleet-copy-${n}`,
            at: `2026-03-04T10:00:0${n}Z`,
            region: 'us-west-2',
            account: A1,
            from: `snap-0c0000000000000${n}`,
            to: `snap-0d0000000000000${n}`,
            key: DST_KEY,
          }),
        ),
        kms({
          id: 'ebs-fleet-decrypt',
          at: '2026-03-04T10:01:00Z',
          name: 'Decrypt',
          region: 'us-west-2',
          account: A1,
          key: DST_KEY,
        }),
      ],
      copies: [1, 2, 3].map((n) => ({
        copy_id: `ebs-fleet-copy-${n}`,
        api: 'CopySnapshot',
        kind: 'ebs_snapshot',
        kms_unattributed: 1,
      })),
      evidence: [],
      unlinked: ['ebs-fleet-decrypt'],
    },
    {
      name: "records naming another snapshot, another region or key, outside the window, a context-free call, a failed call, another service's CopySnapshot and a job event for a copy Backup did not make do not link",
      records: [
        copySnapshot({
          id: 'ebs-neg-copy',
          at: '2026-03-02T10:00:00Z',
          region: 'us-west-2',
          account: A1,
          from: 'snap-0e00000000000001',
          to: 'snap-0e00000000000002',
          requestId: 'req-neg',
        }),
        kms({
          id: 'ebs-neg-other-snapshot',
          at: '2026-03-02T10:00:01Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'us-west-2',
          account: A1,
          key: DST_KEY,
          ctx: { 'aws:ebs:id': 'snap-0e00000000000009' },
        }),
        kms({
          id: 'ebs-neg-other-region',
          at: '2026-03-02T10:00:01Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'eu-west-1',
          account: A1,
          key: keyArn('eu-west-1', A1, '33333333-3333-4333-8333-333333333333'),
          ctx: { 'aws:ebs:id': 'snap-0e00000000000002' },
        }),
        kms({
          id: 'ebs-neg-rds-key',
          at: '2026-03-02T10:00:01Z',
          name: 'GenerateDataKey',
          region: 'us-west-2',
          account: A1,
          key: DST_KEY,
          ctx: { 'aws:rds:db-id': 'snap-0e00000000000002' },
        }),
        kms({
          id: 'ebs-neg-late',
          at: '2026-03-06T10:00:00Z',
          name: 'GenerateDataKeyWithoutPlaintext',
          region: 'us-west-2',
          account: A1,
          key: DST_KEY,
          ctx: { 'aws:ebs:id': 'snap-0e00000000000002' },
        }),
        kms({
          id: 'ebs-neg-describe',
          at: '2026-03-02T10:00:01Z',
          name: 'DescribeKey',
          region: 'us-west-2',
          account: A1,
          key: DST_KEY,
          requestId: 'req-neg',
        }),
        copySnapshot({
          id: 'ebs-neg-failed',
          at: '2026-03-02T11:00:00Z',
          region: 'us-west-2',
          account: A1,
          from: 'snap-0e00000000000003',
          requestId: 'req-neg-failed',
          error: 'Client.InvalidSnapshot.NotFound',
        }),
        kms({
          id: 'ebs-neg-failed-grant',
          at: '2026-03-02T11:00:01Z',
          name: 'CreateGrant',
          region: 'us-west-2',
          account: A1,
          key: DST_KEY,
          requestId: 'req-neg-failed',
        }),
        call({
          id: 'ebs-neg-elasticache',
          at: '2026-03-02T10:00:00Z',
          source: 'elasticache.amazonaws.com',
          name: 'CopySnapshot',
          region: 'us-west-2',
          account: A1,
          rp: { sourceSnapshotName: 'redis-nightly', targetSnapshotName: 'redis-keep' },
          re: { snapshotName: 'redis-keep' },
        }),
        serviceEvent({
          id: 'ebs-neg-job',
          at: '2026-03-02T10:30:00Z',
          source: 'backup.amazonaws.com',
          name: 'CopyJobCompleted',
          region: 'us-east-1',
          account: A1,
          actor: A1,
          details: {
            copyJobId: 'job-88',
            state: 'COMPLETED',
            destinationRecoveryPointArn: 'arn:aws:ec2:us-west-2::snapshot/snap-0e00000000000002',
          },
        }),
      ],
      copies: [
        { copy_id: 'ebs-neg-copy', api: 'CopySnapshot', kind: 'ebs_snapshot', status: 'requested' },
        {
          copy_id: 'ebs-neg-failed',
          api: 'CopySnapshot',
          kind: 'ebs_snapshot',
          status: 'failed',
          error_code: 'Client.InvalidSnapshot.NotFound',
          target_id: null,
        },
      ],
      evidence: [],
      unlinked: [
        'ebs-neg-other-snapshot',
        'ebs-neg-other-region',
        'ebs-neg-rds-key',
        'ebs-neg-late',
        'ebs-neg-describe',
        'ebs-neg-failed-grant',
        'ebs-neg-elasticache',
        'ebs-neg-job',
      ],
    },
  ],
};
