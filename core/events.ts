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
  'CopyVolumes',
  'SharedVolumeCopyInitiated',
  'AssociateKmsKeyId',
  'DisassociateKmsKeyId',
  'CreateResourceShare',
  'AssociateResourceShare',
  'DisassociateResourceShare',
  'DeleteResourceShare',
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
  // service copies, configuration-style replications and the calls that end them, copy-outs
  'CopyBackup',
  'CreateBackup',
  'CreateReplicationConfiguration',
  'DeleteReplicationConfiguration',
  'EnableSnapshotCopy',
  'DisableSnapshotCopy',
  'CopyClusterSnapshot',
  'CreateSnapshotCopyConfiguration',
  'DeleteSnapshotCopyConfiguration',
  'UpdateTable',
  'CopyBackupToRegion',
  'RestoreSnapshotFromRecycleBin',
  'StartExportTask',
  'ExportImage',
  'CreateStoreImageTask',
  'Encrypt',
  'PutBucketReplication',
  'DeleteBucketReplication',
  'PutBucketEncryption',
  'CreateBucket',
] as const;

/** The services whose events lineage and reports read; their event names are LINEAGE_EVENT_NAMES. */
export const LINEAGE_EVENT_SOURCES = [
  'ec2.amazonaws.com',
  'rds.amazonaws.com',
  'backup.amazonaws.com',
  'kms.amazonaws.com',
  'ram.amazonaws.com',
  'fsx.amazonaws.com',
  'elasticfilesystem.amazonaws.com',
  'redshift.amazonaws.com',
  'redshift-serverless.amazonaws.com',
  'dynamodb.amazonaws.com',
  'cloudhsm.amazonaws.com',
  's3.amazonaws.com',
] as const;

/** KMS operations whose records can be a copy's evidence (DescribeKey and other context-free calls never are). */
export const KMS_EVIDENCE_EVENTS = [
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'CreateGrant',
] as const;

/**
 * KMS operations an S3 replication role makes per object: Decrypt under the source bucket's key,
 * GenerateDataKey (or Encrypt) under the replica key. Their aws:s3:arn context names the bucket.
 */
export const S3_REPLICATION_KMS_EVENTS = ['Decrypt', 'GenerateDataKey', 'Encrypt'] as const;

/** Every KMS operation whose join keys correlate extracts (queries/correlate/extract_kms_context.sql). */
export const KMS_CONTEXT_EVENTS = [...new Set([...KMS_EVIDENCE_EVENTS, ...S3_REPLICATION_KMS_EVENTS])];

/**
 * The KMS encryption-context keys the copy rules join on (correlate/rules/): a KMS record naming one
 * of them can be a copy's evidence. The Athena and Lake pushdowns keep the records that carry them.
 */
export const CONTEXT_KEYS = ['aws:ebs:id', 'aws:rds:db-id'] as const;
