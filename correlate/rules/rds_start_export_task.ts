// RDS StartExportTask: a DB snapshot or cluster (its ARN) exported as Parquet to an S3 bucket. A
// copy-out: the data leaves the snapshot world. The target is the bucket (its ARN built from its
// name); a bucket's region and account are not in the record, so they stay unknown rather than
// guessed.
// Shape inferred from the API reference; no real record seen: RDS Query API, logged in lowerCamelCase
// (requestParameters.exportTaskIdentifier, sourceArn, s3BucketName, kmsKeyId). The export's KMS
// records are not documented to name the task or the snapshot: no KMS evidence.
import { DECLARED_CALL, type RuleDeclaration } from './rule.ts';

export const rds_start_export_task: RuleDeclaration = {
  id: 'rds_start_export_task',
  eventSource: 'rds.amazonaws.com',
  api: 'StartExportTask',
  kind: 'rds_export',
  source: {
    ref: ['requestParameters.sourceArn', 'responseElements.sourceArn'],
    region: ['awsRegion'],
    account: [],
    fromArn: 'ref',
  },
  target: {
    ref: ['requestParameters.s3BucketName', 'responseElements.s3Bucket'],
    arn: [],
    region: [],
    account: [],
    arnOf: 's3_bucket',
  },
  ...DECLARED_CALL,
  key: ['requestParameters.kmsKeyId'],
};
