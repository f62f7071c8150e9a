// EBS CopySnapshot: same region, cross-region, and cross-account from a shared snapshot (reference
// §2.1, §2.4, §5.3). The call lands in the destination region and the copier's account; the new
// snapshot's KMS records carry aws:ebs:id = its own id, the source side's carry the source's context
// (its volume id if CreateSnapshot made it, its own id if it was itself a copy).
import {
  BACKUP_JOB_EVENTS,
  EBS_CALL,
  IN_CALL_PLACE,
  type RuleDeclaration,
  type ServiceEvent,
} from './rule.ts';

/**
 * The owner's side of a copy of its shared snapshot: no id of the copy, only the source, the copier's
 * account and the time (reference §2.4, §7 #6). Without the copier's call in our trails it is the
 * only record of the copy: for forensics, the exfiltration edge.
 */
const SHARED_SNAPSHOT_COPY_INITIATED: ServiceEvent = {
  eventSource: 'ec2.amazonaws.com',
  eventName: 'SharedSnapshotCopyInitiated',
  side: 'source',
  ties: [
    {
      all: [
        { path: 'serviceEventDetails.snapshotId', field: 'source_id', test: 'equals' },
        { path: 'awsRegion', field: 'source_region', test: 'equals' },
        { path: 'userIdentity.accountId', field: 'target_account', test: 'equals' },
      ],
      inWindow: true,
    },
  ],
  alone: {
    sourceId: ['serviceEventDetails.snapshotId'],
    sourceRegion: ['awsRegion'],
    sourceAccount: ['recipientAccountId'],
    targetAccount: ['userIdentity.accountId'],
  },
};

export const ebs_copy_snapshot: RuleDeclaration = {
  id: 'ebs_copy_snapshot',
  eventSource: 'ec2.amazonaws.com',
  api: 'CopySnapshot',
  kind: 'ebs_snapshot',
  source: {
    ref: ['requestParameters.sourceSnapshotId'],
    region: ['requestParameters.sourceRegion'],
    account: [],
    fromArn: 'ref',
  },
  target: {
    ref: ['responseElements.snapshotId'],
    arn: [],
    ...IN_CALL_PLACE,
  },
  context: [],
  ...EBS_CALL,
  serviceEvents: [SHARED_SNAPSHOT_COPY_INITIATED, ...BACKUP_JOB_EVENTS],
};
