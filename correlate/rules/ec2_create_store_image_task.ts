// EC2 CreateStoreImageTask: an AMI stored as an object in an S3 bucket (to be restored elsewhere with
// CreateRestoreImageTask). A copy-out: the target is the bucket (its ARN built from its name); its
// region and account are not in the record and stay unknown.
// Shape inferred from the API reference; no real record seen: EC2 Query API, logged as
// requestParameters.imageId and bucket; the response names the object key. No KMS evidence.
import { DECLARED_CALL, IN_CALL_PLACE, type RuleDeclaration } from './rule.ts';

export const ec2_create_store_image_task: RuleDeclaration = {
  id: 'ec2_create_store_image_task',
  eventSource: 'ec2.amazonaws.com',
  api: 'CreateStoreImageTask',
  kind: 'ami_store',
  source: {
    ref: ['requestParameters.imageId'],
    ...IN_CALL_PLACE,
  },
  target: {
    ref: ['requestParameters.bucket'],
    arn: [],
    region: [],
    account: [],
    arnOf: 's3_bucket',
  },
  ...DECLARED_CALL,
};
