// RDS CopyDBSnapshot (reference §3.1): lands in the destination region. The source is an ARN (its
// region and account in it), or a bare name in the call's region for a same-region copy. The KMS
// context on both sides is aws:rds:db-id = the source instance's dbiResourceId, which the response
// repeats.
import { IN_CALL_PLACE, RDS_CALL, type RuleDeclaration } from './rule.ts';

export const rds_copy_db_snapshot: RuleDeclaration = {
  id: 'rds_copy_db_snapshot',
  eventSource: 'rds.amazonaws.com',
  api: 'CopyDBSnapshot',
  kind: 'rds_snapshot',
  source: {
    ref: ['requestParameters.sourceDBSnapshotIdentifier'],
    region: ['responseElements.sourceRegion', 'awsRegion'],
    account: [],
    fromArn: 'ref',
  },
  target: {
    ref: ['responseElements.dBSnapshotIdentifier', 'requestParameters.targetDBSnapshotIdentifier'],
    arn: ['responseElements.dBSnapshotArn'],
    ...IN_CALL_PLACE,
  },
  context: ['responseElements.dbiResourceId'],
  // shape inferred from the API reference (DBSnapshot/DBClusterSnapshot.Engine); no real record seen
  engine: ['responseElements.engine'],
  ...RDS_CALL,
};
