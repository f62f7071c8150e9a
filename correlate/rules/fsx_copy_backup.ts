// FSx CopyBackup: a backup copied within one account, to another region or in place. The call is
// made in the destination region; SourceRegion names the source's (absent: an in-region copy).
// Shape inferred from the API reference; no real record seen: FSx is a JSON API, so CloudTrail logs
// its members in lowerCamelCase (requestParameters.sourceBackupId, sourceRegion, kmsKeyId; the new
// backup in responseElements.backup). FSx's KMS records are not documented to name a backup, so the
// copy carries no KMS evidence.
import { DECLARED_CALL, IN_CALL_PLACE, type RuleDeclaration } from './rule.ts';

export const fsx_copy_backup: RuleDeclaration = {
  id: 'fsx_copy_backup',
  eventSource: 'fsx.amazonaws.com',
  api: 'CopyBackup',
  kind: 'fsx_backup',
  // CopyBackup copies only within the caller's account
  source: {
    ref: ['requestParameters.sourceBackupId'],
    region: ['requestParameters.sourceRegion', 'awsRegion'],
    account: ['recipientAccountId'],
  },
  target: {
    ref: ['responseElements.backup.backupId'],
    arn: ['responseElements.backup.resourceARN'],
    ...IN_CALL_PLACE,
  },
  ...DECLARED_CALL,
  key: ['responseElements.backup.kmsKeyId', 'requestParameters.kmsKeyId'],
};
