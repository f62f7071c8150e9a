-- Copy and share calls seen, per API and region, for the demo summary.
-- params: none. output: event_name, aws_region, calls, failed.
select
  event_name,
  aws_region,
  count(*) as calls,
  count(error_code) as failed
from events
where event_name in (
  'CopySnapshot', 'CopyImage', 'CopyDBSnapshot', 'CopyDBClusterSnapshot', 'StartCopyJob',
  'StartDBInstanceAutomatedBackupsReplication', 'ModifySnapshotAttribute', 'ModifyImageAttribute',
  'ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute', 'SharedSnapshotCopyInitiated',
  'CopyJobStarted', 'CopyJobCompleted', 'CopyVolumes', 'SharedVolumeCopyInitiated', 'CreateResourceShare',
  'AssociateResourceShare', 'DisassociateResourceShare', 'AssociateKmsKeyId', 'DisassociateKmsKeyId'
)
group by all
order by event_name, aws_region
