// CopyImage (reference §2.5). Its KMS records name the new backing snapshots, which CopyImage does
// not. They attach by request id, or as the target context once a later record tells which
// snapshots back the new AMI (the "Copied for DestinationAmi …" description AWS writes on them,
// carried by a later CopySnapshot: queries/correlate/ami_backing.sql). Otherwise the copy is
// reported without KMS evidence.
import { type CorrelationRule, EBS_WINDOWS, KMS_COPY_EVENTS } from './rule.ts';

export const ami_copy_image: CorrelationRule = {
  id: 'ami_copy_image',
  api: 'CopyImage',
  kind: 'ami',
  context: 'ebs',
  kmsEvents: KMS_COPY_EVENTS,
  fields: {
    source: 'requestParameters.sourceRegion + requestParameters.sourceImageId',
    target: 'awsRegion + responseElements.imageId',
    key: 'requestParameters.kmsKeyId',
  },
  windows: EBS_WINDOWS,
};
