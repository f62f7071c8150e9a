// EBS CopyVolumes (2025): a volume copied straight to a new volume in the same Availability Zone,
// with no snapshot between (the EBS CSI driver clones volumes this way); since 2026 also a volume
// another account shared through AWS RAM, copied by the recipient. The reference has no record of
// it: the shapes below are inferred from the EC2 API reference (request SourceVolumeId; response
// Volumes, a list holding the one new volume) and EC2's CloudTrail conventions (lowerCamelCase,
// lists as {"items": […]}); no real record seen. A volume's KMS records carry aws:ebs:id = that
// volume's own id: the new volume's on the target side, the source volume's on the source side.
import {
  EBS_KMS,
  EBS_WINDOWS,
  IN_CALL_PLACE,
  PLAIN_CALL,
  type RuleDeclaration,
  type ServiceEvent,
} from './rule.ts';

/**
 * The owner's notice that another account copied its shared volume. Shape inferred to mirror
 * SharedSnapshotCopyInitiated (reference §2.4): serviceEventDetails.volumeId is the owner's volume,
 * userIdentity.accountId the copier, recipientAccountId the owner; no real record seen. Alone (the
 * copier's trail is not ours) it is the only record of the copy: the exfiltration edge.
 */
const SHARED_VOLUME_COPY_INITIATED: ServiceEvent = {
  eventSource: 'ec2.amazonaws.com',
  eventName: 'SharedVolumeCopyInitiated',
  side: 'source',
  ties: [
    {
      all: [
        { path: 'serviceEventDetails.volumeId', field: 'source_id', test: 'equals' },
        { path: 'awsRegion', field: 'source_region', test: 'equals' },
        { path: 'userIdentity.accountId', field: 'target_account', test: 'equals' },
      ],
      inWindow: true,
    },
  ],
  alone: {
    sourceId: ['serviceEventDetails.volumeId'],
    sourceRegion: ['awsRegion'],
    sourceAccount: ['recipientAccountId'],
    targetAccount: ['userIdentity.accountId'],
  },
};

export const ebs_copy_volumes: RuleDeclaration = {
  id: 'ebs_copy_volumes',
  eventSource: 'ec2.amazonaws.com',
  api: 'CopyVolumes',
  kind: 'ebs_volume',
  source: {
    // an id for the caller's own volume; a shared volume may be named by its ARN, which then names
    // the owner's account (inferred)
    ref: ['requestParameters.sourceVolumeId'],
    // a volume copy stays in its Availability Zone, so in the call's region
    region: ['awsRegion'],
    account: [],
    fromArn: 'ref',
  },
  target: {
    // the API returns a list of volumes for the one copy it makes: its first item is the copy
    ref: ['responseElements.volumeSet.items[0].volumeId', 'responseElements.volumeId'],
    arn: [],
    ...IN_CALL_PLACE,
  },
  // the copy keeps the source's key unless the call names one; the response tells which it got
  key: ['requestParameters.kmsKeyId', 'responseElements.volumeSet.items[0].kmsKeyId'],
  context: [],
  ...PLAIN_CALL,
  kms: { ...EBS_KMS, sourceContext: 'source_id' },
  serviceEvents: [SHARED_VOLUME_COPY_INITIATED],
  windows: EBS_WINDOWS,
};
