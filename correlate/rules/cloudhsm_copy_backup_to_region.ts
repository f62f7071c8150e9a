// CloudHSM CopyBackupToRegion: a cluster backup, which holds the HSMs' key material, copied to
// another region. The call is made in the source's region; the response does not name the new
// backup (only the source backup, cluster and region), so the edge's target id is unknown and its
// region is the requested destination.
// Shape inferred from the API reference; no real record seen: CloudHSM v2 is a JSON API, logged in
// lowerCamelCase (requestParameters.backupId, destinationRegion; responseElements.destinationBackup).
// CloudHSM backups are encrypted by CloudHSM itself, not by KMS: there is no KMS evidence to find.
import { DECLARED_CALL, type RuleDeclaration } from './rule.ts';

export const cloudhsm_copy_backup_to_region: RuleDeclaration = {
  id: 'cloudhsm_copy_backup_to_region',
  eventSource: 'cloudhsm.amazonaws.com',
  api: 'CopyBackupToRegion',
  kind: 'cloudhsm_backup',
  source: {
    ref: ['requestParameters.backupId', 'responseElements.destinationBackup.sourceBackup'],
    region: ['awsRegion'],
    account: ['recipientAccountId'],
  },
  target: {
    ref: [],
    arn: [],
    region: ['requestParameters.destinationRegion'],
    account: ['recipientAccountId'],
  },
  ...DECLARED_CALL,
};
