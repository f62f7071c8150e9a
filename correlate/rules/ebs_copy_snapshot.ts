// EBS CopySnapshot: same region, cross-region, and cross-account from a shared snapshot (reference §2.1, §5.3).
import { type CorrelationRule, EBS_WINDOWS, KMS_COPY_EVENTS } from './rule.ts';

export const ebs_copy_snapshot: CorrelationRule = {
  id: 'ebs_copy_snapshot',
  api: 'CopySnapshot',
  kind: 'ebs_snapshot',
  context: 'ebs',
  kmsEvents: KMS_COPY_EVENTS,
  fields: {
    source: 'requestParameters.sourceRegion + requestParameters.sourceSnapshotId',
    target: 'awsRegion + responseElements.snapshotId + recipientAccountId',
    key: 'requestParameters.kmsKeyId (id, ARN or alias)',
  },
  windows: EBS_WINDOWS,
};
