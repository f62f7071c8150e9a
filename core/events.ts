// The catalog of CloudTrail events copytrail reads: what every source pushes down (LookupEvents
// attributes, the Athena and Lake filters) so that the correlator and the reports see all they
// need. The correlation rules in correlate/rules/ name the copy APIs among them; a test holds each
// rule's events against this catalog.

/** Event names the correlator and reports need: copies, shares, creations, Backup jobs, KMS. */
export const LINEAGE_EVENT_NAMES = [
  'CopySnapshot',
  'CopyImage',
  'CopyDBSnapshot',
  'CopyDBClusterSnapshot',
  'StartDBInstanceAutomatedBackupsReplication',
  'StartCopyJob',
  'StartBackupJob',
  'CreateSnapshot',
  'CreateSnapshots',
  'CreateImage',
  'RegisterImage',
  'CreateDBSnapshot',
  'CreateDBClusterSnapshot',
  'ModifySnapshotAttribute',
  'ModifyImageAttribute',
  'ModifyDBSnapshotAttribute',
  'ModifyDBClusterSnapshotAttribute',
  'SharedSnapshotCopyInitiated',
  'SharedSnapshotVolumeCreated',
  'CopyJobStarted',
  'CopyJobCompleted',
  'BackupJobCompleted',
  // logically air-gapped vaults (their shares to AWS Backup's own account), and deletions that end a
  // restore point (a temporary backup removed once copied into such a vault)
  'CreateLogicallyAirGappedBackupVault',
  'DeleteSnapshot',
  'DeleteDBSnapshot',
  'DeleteDBClusterSnapshot',
  'DeleteRecoveryPoint',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'CreateGrant',
  'RetireGrant',
  'ReplicateKey',
] as const;

/** The services whose events lineage and reports read; their event names are LINEAGE_EVENT_NAMES. */
export const LINEAGE_EVENT_SOURCES = [
  'ec2.amazonaws.com',
  'rds.amazonaws.com',
  'backup.amazonaws.com',
  'kms.amazonaws.com',
] as const;

/** KMS operations whose records can be a copy's evidence (DescribeKey and other context-free calls never are). */
export const KMS_EVIDENCE_EVENTS = [
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'CreateGrant',
] as const;
