// CopyImage (reference §2.5). Its KMS records name the new backing snapshots, which CopyImage does
// not: they attach by request id, and otherwise the copy is reported without KMS evidence.
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
