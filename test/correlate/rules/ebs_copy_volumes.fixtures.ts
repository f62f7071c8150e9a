// Named scenarios for ebs_copy_volumes: what must link to a CopyVolumes, and what must not. The
// CopyVolumes, SharedVolumeCopyInitiated and RAM records are inferred shapes (see the rule); the
// KMS records follow the real EBS ones of reference §5.2 in both identity styles.
import { A1, A2, call, keyArn, kms, operator, type RuleFixtures, serviceEvent } from './fixture.ts';

const KEY = keyArn('us-east-1', A1, '66666666-6666-4666-8666-666666666666');
const A2_KEY = keyArn('us-east-1', A2, '77777777-7777-4777-8777-777777777777');
const OUTSIDER = '999988887777';

/** The EBS CSI driver's role session (IRSA): how a Kubernetes volume clone reaches EC2. */
const csiDriver = (account: string) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${account}:assumed-role/AmazonEKS_EBS_CSI_DriverRole/1767261600000000000`,
  accountId: account,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      arn: `arn:aws:iam::${account}:role/AmazonEKS_EBS_CSI_DriverRole`,
      accountId: account,
    },
  },
});

const copyVolumes = (o: {
  id: string;
  at: string;
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
    name: 'CopyVolumes',
    region: 'us-east-1',
    account: o.account,
    requestId: o.requestId,
    error: o.error,
    identity: o.identity,
    rp: { sourceVolumeId: o.from, volumeType: 'gp3', size: 100 },
    re: {
      requestId: o.requestId ?? `req-${o.id}`,
      volumeSet: {
        items: [
          {
            volumeId: o.to,
            size: 100,
            availabilityZone: 'us-east-1a',
            status: 'creating',
            volumeType: 'gp3',
            encrypted: true,
            kmsKeyId: o.key,
            sourceVolumeId: o.from,
          },
        ],
      },
    },
  });

/** EBS's KMS call made with the caller's identity plus invokedBy (the real 2026 style). */
const asCaller = (rec: Record<string, unknown>, account: string, identity = operator(account)) => ({
  ...rec,
  userIdentity: { ...identity, invokedBy: 'ec2-frontend-api.amazonaws.com' },
  sourceIPAddress: 'ec2-frontend-api.amazonaws.com',
});

const infra = (account: string, instance: string) => ({
  type: 'AssumedRole',
  principalId: `${account}:aws:ec2-infrastructure:${instance}`,
  arn: `arn:aws:sts::${account}:assumed-role/aws:ec2-infrastructure/${instance}`,
  accountId: account,
  invokedBy: 'AWS Internal',
  inScopeOf: {
    issuerType: 'AWS::EC2::Instance',
    credentialsIssuedTo: `arn:aws:ec2:us-east-1:${account}:instance/${instance}`,
  },
});

const volumeArn = (account: string, vol: string) => `arn:aws:ec2:us-east-1:${account}:volume/${vol}`;

export const fixtures: RuleFixtures = {
  positive: [
    {
      name: "a same-account clone by the EBS CSI driver's role: the new volume's data key (caller style) is target evidence, the grant on the source volume (AWSService style) source evidence",
      records: [
        copyVolumes({
          id: 'vol-clone',
          at: '2026-03-07T09:00:00Z',
          account: A1,
          from: 'vol-0a20000000000001',
          to: 'vol-0a20000000000002',
          key: KEY,
          identity: csiDriver(A1),
        }),
        asCaller(
          kms({
            id: 'vol-clone-gdk',
            at: '2026-03-07T09:00:01Z',
            name: 'GenerateDataKeyWithoutPlaintext',
            region: 'us-east-1',
            account: A1,
            key: KEY,
            ctx: { 'aws:ebs:id': 'vol-0a20000000000002' },
            sharedEventId: 'shared-clone-gdk',
          }),
          A1,
          csiDriver(A1),
        ),
        {
          ...kms({
            id: 'vol-clone-grant',
            at: '2026-03-07T09:00:02Z',
            name: 'CreateGrant',
            region: 'us-east-1',
            account: A1,
            key: KEY,
            invokedBy: 'ec2-frontend-api.amazonaws.com',
          }),
          requestParameters: {
            keyId: KEY,
            granteePrincipal: 'ec2.us-east-1.amazonaws.com',
            retiringPrincipal: 'ec2.us-east-1.amazonaws.com',
            operations: ['Decrypt', 'ReEncryptFrom'],
            constraints: { encryptionContextSubset: { 'aws:ebs:id': 'vol-0a20000000000001' } },
          },
        },
      ],
      copies: [
        {
          copy_id: 'vol-clone',
          api: 'CopyVolumes',
          kind: 'ebs_volume',
          mechanism: 'manual',
          status: 'requested',
          principal_arn: `arn:aws:sts::${A1}:assumed-role/AmazonEKS_EBS_CSI_DriverRole/1767261600000000000`,
          source_id: 'vol-0a20000000000001',
          source_region: 'us-east-1',
          source_account: A1,
          source_key_arn: KEY,
          target_id: 'vol-0a20000000000002',
          target_region: 'us-east-1',
          target_account: A1,
          target_key_arn: KEY,
          key_change: 'same_key',
        },
      ],
      evidence: [
        { copy_id: 'vol-clone', event_id: 'vol-clone-gdk', side: 'target', match: 'encryption_context' },
        { copy_id: 'vol-clone', event_id: 'vol-clone-grant', side: 'source', match: 'source_context' },
      ],
    },
    {
      name: "another account copies a volume shared through RAM: the share names the owner, the owner's key records in both trails join by sharedEventID, the owner's SharedVolumeCopyInitiated ties as a service event",
      records: [
        call({
          id: 'vol-x-ram',
          at: '2026-03-08T08:00:00Z',
          source: 'ram.amazonaws.com',
          name: 'CreateResourceShare',
          region: 'us-east-1',
          account: A1,
          rp: {
            name: 'share-data-volume',
            resourceArns: [volumeArn(A1, 'vol-0b20000000000001')],
            principals: [A2],
          },
          re: {
            resourceShare: {
              resourceShareArn: `arn:aws:ram:us-east-1:${A1}:resource-share/5b3e2f10-0000-4000-8000-000000000001`,
              owningAccountId: A1,
              status: 'ACTIVE',
            },
          },
        }),
        copyVolumes({
          id: 'vol-x-copy',
          at: '2026-03-08T09:00:00Z',
          account: A2,
          from: 'vol-0b20000000000001',
          to: 'vol-0b20000000000002',
          key: A2_KEY,
          requestId: 'req-vol-x',
        }),
        asCaller(
          kms({
            id: 'vol-x-gdk',
            at: '2026-03-08T09:00:01Z',
            name: 'GenerateDataKeyWithoutPlaintext',
            region: 'us-east-1',
            account: A2,
            key: A2_KEY,
            ctx: { 'aws:ebs:id': 'vol-0b20000000000002' },
          }),
          A2,
        ),
        kms({
          id: 'vol-x-decrypt-copier',
          at: '2026-03-08T09:00:03Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A2,
          key: KEY,
          ctx: { 'aws:ebs:id': 'vol-0b20000000000001' },
          sharedEventId: 'shared-vol-x',
        }),
        {
          ...kms({
            id: 'vol-x-decrypt-owner',
            at: '2026-03-08T09:00:03Z',
            name: 'Decrypt',
            region: 'us-east-1',
            account: A1,
            key: KEY,
            sharedEventId: 'shared-vol-x',
          }),
          // the owner's copy of another account's call names the caller as that account
          userIdentity: { type: 'AWSAccount', accountId: A2, invokedBy: 'ec2.amazonaws.com' },
          requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        },
        serviceEvent({
          id: 'vol-x-notice',
          at: '2026-03-08T09:00:09Z',
          source: 'ec2.amazonaws.com',
          name: 'SharedVolumeCopyInitiated',
          region: 'us-east-1',
          account: A1,
          actor: A2,
          details: { volumeId: 'vol-0b20000000000001' },
        }),
      ],
      copies: [
        {
          copy_id: 'vol-x-copy',
          api: 'CopyVolumes',
          kind: 'ebs_volume',
          source_id: 'vol-0b20000000000001',
          source_account: A1,
          target_id: 'vol-0b20000000000002',
          target_account: A2,
          source_key_arn: KEY,
          target_key_arn: A2_KEY,
          key_change: 'new_key',
        },
      ],
      evidence: [
        { copy_id: 'vol-x-copy', event_id: 'vol-x-decrypt-copier', side: 'source', match: 'source_context' },
        { copy_id: 'vol-x-copy', event_id: 'vol-x-decrypt-owner', side: 'source', match: 'shared_event' },
        { copy_id: 'vol-x-copy', event_id: 'vol-x-gdk', side: 'target', match: 'encryption_context' },
        { copy_id: 'vol-x-copy', event_id: 'vol-x-notice', side: 'source', match: 'service_event' },
      ],
    },
    {
      name: 'a copier that names the shared volume by its ARN: the ARN names the owner and the region',
      records: [
        copyVolumes({
          id: 'vol-arn-copy',
          at: '2026-03-08T12:00:00Z',
          account: A2,
          from: volumeArn(A1, 'vol-0b30000000000001'),
          to: 'vol-0b30000000000002',
          key: A2_KEY,
        }),
        asCaller(
          kms({
            id: 'vol-arn-gdk',
            at: '2026-03-08T12:00:01Z',
            name: 'GenerateDataKeyWithoutPlaintext',
            region: 'us-east-1',
            account: A2,
            key: A2_KEY,
            ctx: { 'aws:ebs:id': 'vol-0b30000000000002' },
          }),
          A2,
        ),
      ],
      copies: [
        {
          copy_id: 'vol-arn-copy',
          api: 'CopyVolumes',
          kind: 'ebs_volume',
          source_id: 'vol-0b30000000000001',
          source_arn: volumeArn(A1, 'vol-0b30000000000001'),
          source_region: 'us-east-1',
          source_account: A1,
          target_account: A2,
        },
      ],
      evidence: [
        { copy_id: 'vol-arn-copy', event_id: 'vol-arn-gdk', side: 'target', match: 'encryption_context' },
      ],
    },
    {
      name: "the owner's notice of a volume copy by an account whose trail we do not have is a copy of its own, with the owner's reads of the volume",
      records: [
        serviceEvent({
          id: 'vol-ext-notice',
          at: '2026-03-09T03:00:00Z',
          source: 'ec2.amazonaws.com',
          name: 'SharedVolumeCopyInitiated',
          region: 'us-east-1',
          account: A1,
          actor: OUTSIDER,
          details: { volumeId: 'vol-0c20000000000001' },
        }),
        {
          ...kms({
            id: 'vol-ext-decrypt',
            at: '2026-03-09T03:00:04Z',
            name: 'Decrypt',
            region: 'us-east-1',
            account: A1,
            key: KEY,
            ctx: { 'aws:ebs:id': 'vol-0c20000000000001' },
          }),
          userIdentity: { type: 'AWSAccount', accountId: OUTSIDER, invokedBy: 'ec2.amazonaws.com' },
        },
      ],
      copies: [
        {
          copy_id: 'vol-ext-notice',
          api: 'SharedVolumeCopyInitiated',
          kind: 'ebs_volume',
          mechanism: 'unknown',
          source_id: 'vol-0c20000000000001',
          source_region: 'us-east-1',
          source_account: A1,
          target_id: null,
          target_region: null,
          target_account: OUTSIDER,
        },
      ],
      evidence: [
        { copy_id: 'vol-ext-notice', event_id: 'vol-ext-decrypt', side: 'source', match: 'source_context' },
      ],
    },
  ],
  negative: [
    {
      name: "an instance attaching the new volume is not the copy's evidence: the grant to its EC2 infrastructure session and that session's Decrypt stay unlinked",
      records: [
        copyVolumes({
          id: 'vol-att-copy',
          at: '2026-03-10T09:00:00Z',
          account: A1,
          from: 'vol-0d20000000000001',
          to: 'vol-0d20000000000002',
          key: KEY,
        }),
        asCaller(
          {
            ...kms({
              id: 'vol-att-grant',
              at: '2026-03-10T09:30:00Z',
              name: 'CreateGrant',
              region: 'us-east-1',
              account: A1,
              key: KEY,
              requestId: 'req-vol-attach',
            }),
            requestParameters: {
              keyId: KEY,
              operations: ['Decrypt'],
              retiringPrincipal: 'ec2.us-east-1.amazonaws.com',
              granteePrincipal: `arn:aws:sts::${A1}:assumed-role/aws:ec2-infrastructure/i-0d20000000000009`,
              constraints: { encryptionContextSubset: { 'aws:ebs:id': 'vol-0d20000000000002' } },
            },
          },
          A1,
        ),
        {
          ...kms({
            id: 'vol-att-decrypt',
            at: '2026-03-10T09:30:01Z',
            name: 'Decrypt',
            region: 'us-east-1',
            account: A1,
            key: KEY,
            ctx: { 'aws:ebs:id': 'vol-0d20000000000002' },
            requestId: 'req-vol-attach',
          }),
          userIdentity: infra(A1, 'i-0d20000000000009'),
        },
      ],
      copies: [
        {
          copy_id: 'vol-att-copy',
          api: 'CopyVolumes',
          kind: 'ebs_volume',
          target_id: 'vol-0d20000000000002',
        },
      ],
      evidence: [],
      unlinked: ['vol-att-grant', 'vol-att-decrypt'],
    },
    {
      name: "a CopySnapshot of an unrelated volume's snapshot at the same moment takes its own records; none reach the volume copy, and a read of a third volume reaches neither",
      records: [
        copyVolumes({
          id: 'vol-mix-copy',
          at: '2026-03-11T09:00:00Z',
          account: A1,
          from: 'vol-0e20000000000001',
          to: 'vol-0e20000000000002',
          key: KEY,
        }),
        call({
          id: 'vol-mix-create-snap',
          at: '2026-03-11T08:00:00Z',
          source: 'ec2.amazonaws.com',
          name: 'CreateSnapshot',
          region: 'us-east-1',
          account: A1,
          rp: { volumeId: 'vol-0e20000000000007' },
          re: {
            snapshotId: 'snap-0e20000000000007',
            volumeId: 'vol-0e20000000000007',
            encrypted: true,
            kmsKeyId: KEY,
          },
        }),
        call({
          id: 'vol-mix-copy-snap',
          at: '2026-03-11T09:00:00Z',
          source: 'ec2.amazonaws.com',
          name: 'CopySnapshot',
          region: 'us-east-1',
          account: A1,
          rp: {
            sourceRegion: 'us-east-1',
            sourceSnapshotId: 'snap-0e20000000000007',
            encrypted: true,
            kmsKeyId: KEY,
          },
          re: { snapshotId: 'snap-0e20000000000008' },
        }),
        kms({
          id: 'vol-mix-snap-grant',
          at: '2026-03-11T09:00:02Z',
          name: 'CreateGrant',
          region: 'us-east-1',
          account: A1,
          key: KEY,
          grantCtx: { 'aws:ebs:id': 'vol-0e20000000000007' },
        }),
        kms({
          id: 'vol-mix-third',
          at: '2026-03-11T09:00:03Z',
          name: 'Decrypt',
          region: 'us-east-1',
          account: A1,
          key: KEY,
          ctx: { 'aws:ebs:id': 'vol-0e20000000000009' },
        }),
      ],
      copies: [
        { copy_id: 'vol-mix-copy', api: 'CopyVolumes', kind: 'ebs_volume' },
        { copy_id: 'vol-mix-copy-snap', api: 'CopySnapshot', kind: 'ebs_snapshot' },
      ],
      evidence: [
        {
          copy_id: 'vol-mix-copy-snap',
          event_id: 'vol-mix-snap-grant',
          side: 'source',
          match: 'source_context',
        },
      ],
      unlinked: ['vol-mix-third', 'vol-mix-create-snap'],
    },
    {
      name: 'a failed CopyVolumes keeps its row as failed, with no target and no evidence, not even by request id',
      records: [
        copyVolumes({
          id: 'vol-fail-copy',
          at: '2026-03-12T09:00:00Z',
          account: A1,
          from: 'vol-0f20000000000001',
          requestId: 'req-vol-fail',
          error: 'Client.InvalidVolume.NotFound',
        }),
        kms({
          id: 'vol-fail-describe-grant',
          at: '2026-03-12T09:00:01Z',
          name: 'CreateGrant',
          region: 'us-east-1',
          account: A1,
          key: KEY,
          requestId: 'req-vol-fail',
        }),
      ],
      copies: [
        {
          copy_id: 'vol-fail-copy',
          api: 'CopyVolumes',
          kind: 'ebs_volume',
          status: 'failed',
          error_code: 'Client.InvalidVolume.NotFound',
          target_id: null,
        },
      ],
      evidence: [],
      unlinked: ['vol-fail-describe-grant'],
    },
  ],
};
