// StartDBInstanceAutomatedBackupsReplication (reference §3.4): called in the destination region.
import { type CorrelationRule, KMS_COPY_EVENTS, RDS_WINDOWS } from './rule.ts';

export const rds_automated_backups_replication: CorrelationRule = {
  id: 'rds_automated_backups_replication',
  api: 'StartDBInstanceAutomatedBackupsReplication',
  kind: 'rds_automated_backup',
  context: 'rds',
  kmsEvents: KMS_COPY_EVENTS,
  fields: {
    source: 'requestParameters.sourceDBInstanceArn',
    target: 'responseElements.dBInstanceAutomatedBackupsArn',
    key: 'requestParameters.kmsKeyId; context responseElements.dbiResourceId',
  },
  windows: RDS_WINDOWS,
};
