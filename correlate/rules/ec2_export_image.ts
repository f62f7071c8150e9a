// EC2 ExportImage: an AMI exported as a disk image (VMDK, VHD, raw) to an S3 bucket. A copy-out:
// the target is the bucket (its ARN built from its name); its region and account are not in the
// record and stay unknown.
// Shape inferred from the API reference; no real record seen: EC2 Query API, logged as
// requestParameters.imageId and s3ExportLocation.s3Bucket (repeated in the response). No KMS
// evidence: the export's reads of the AMI's snapshots are not documented to name the task.
import { DECLARED_CALL, IN_CALL_PLACE, type RuleDeclaration } from './rule.ts';

export const ec2_export_image: RuleDeclaration = {
  id: 'ec2_export_image',
  eventSource: 'ec2.amazonaws.com',
  api: 'ExportImage',
  kind: 'ami_export',
  source: {
    ref: ['requestParameters.imageId'],
    ...IN_CALL_PLACE,
  },
  target: {
    ref: ['requestParameters.s3ExportLocation.s3Bucket', 'responseElements.s3ExportLocation.s3Bucket'],
    arn: [],
    region: [],
    account: [],
    arnOf: 's3_bucket',
  },
  ...DECLARED_CALL,
};
