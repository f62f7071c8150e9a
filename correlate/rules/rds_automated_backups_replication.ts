// StartDBInstanceAutomatedBackupsReplication (reference §3.4): called in the destination region with
// the source instance's ARN; the response names the replicated backups' ARN and the instance's
// dbiResourceId, the aws:rds:db-id of its KMS records on both sides.
import { IN_CALL_PLACE, RDS_CALL, type RuleDeclaration } from './rule.ts';

export const rds_automated_backups_replication: RuleDeclaration = {
  id: 'rds_automated_backups_replication',
  eventSource: 'rds.amazonaws.com',
  api: 'StartDBInstanceAutomatedBackupsReplication',
  kind: 'rds_automated_backup',
  source: {
    ref: ['requestParameters.sourceDBInstanceArn'],
    region: [],
    account: [],
    fromArn: 'ref',
  },
  target: {
    ref: ['responseElements.dBInstanceAutomatedBackupsArn'],
    arn: ['responseElements.dBInstanceAutomatedBackupsArn'],
    ...IN_CALL_PLACE,
  },
  context: ['responseElements.dbiResourceId'],
  ...RDS_CALL,
};
