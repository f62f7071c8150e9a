-- Every snapshot, AMI and DB snapshot seen being made, by creation or as a copy's target, with the
-- context id its KMS records carry (reference §5.2, §5.4): a volume id for CreateSnapshot, its own
-- id for a copy (and for a copied AMI's backing snapshots), the dbiResourceId for RDS; an FSx backup
-- made by CreateBackup, with its file system as context. params: none. output: none.
insert into artifacts (artifact_id, arn, kind, region, account_id, created_at, origin, context_id, encrypted, key_arn, created_event_id)
with made as (
  select
    response_elements ->> 'snapshotId' as artifact_id,
    null as arn,
    'ebs_snapshot' as kind,
    aws_region as region,
    recipient_account_id as account_id,
    event_time as created_at,
    case when invoked_by = 'backup.amazonaws.com' then 'backup' else 'create' end as origin,
    response_elements ->> 'volumeId' as context_id,
    try_cast(response_elements ->> 'encrypted' as boolean) as encrypted,
    response_elements ->> 'kmsKeyId' as key_arn,
    event_id
  from events
  where event_name = 'CreateSnapshot' and event_source = 'ec2.amazonaws.com' and error_code is null
  union all
  select
    response_elements ->> 'imageId', null, 'ami', aws_region, recipient_account_id, event_time,
    'create', null, null, null, event_id
  from events
  where event_name in ('CreateImage', 'RegisterImage') and event_source = 'ec2.amazonaws.com' and error_code is null
  union all
  select
    coalesce(response_elements ->> 'dBSnapshotIdentifier', request_parameters ->> 'dBSnapshotIdentifier'),
    response_elements ->> 'dBSnapshotArn', 'rds_snapshot', aws_region, recipient_account_id, event_time,
    case when invoked_by = 'backup.amazonaws.com' then 'backup' else 'create' end,
    response_elements ->> 'dbiResourceId',
    try_cast(response_elements ->> 'encrypted' as boolean),
    response_elements ->> 'kmsKeyId', event_id
  from events
  where event_name = 'CreateDBSnapshot' and event_source = 'rds.amazonaws.com' and error_code is null
  union all
  select
    coalesce(response_elements ->> 'dBClusterSnapshotIdentifier', request_parameters ->> 'dBClusterSnapshotIdentifier'),
    response_elements ->> 'dBClusterSnapshotArn', 'rds_cluster_snapshot', aws_region, recipient_account_id,
    event_time, 'create', response_elements ->> 'dbClusterResourceId',
    try_cast(response_elements ->> 'storageEncrypted' as boolean), response_elements ->> 'kmsKeyId', event_id
  from events
  where event_name = 'CreateDBClusterSnapshot' and event_source = 'rds.amazonaws.com' and error_code is null
  union all
  -- an FSx backup names its file system (or, for an ONTAP/OpenZFS volume backup, its volume): the
  -- resource its copies protect. Shape inferred from the FSx API reference; no real record seen.
  select
    response_elements -> 'backup' ->> 'backupId',
    response_elements -> 'backup' ->> 'resourceARN',
    'fsx_backup', aws_region, recipient_account_id, event_time,
    case when invoked_by = 'backup.amazonaws.com' then 'backup' else 'create' end,
    coalesce(request_parameters ->> 'fileSystemId', request_parameters ->> 'volumeId'),
    true, response_elements -> 'backup' ->> 'kmsKeyId', event_id
  from events
  where event_name = 'CreateBackup' and event_source = 'fsx.amazonaws.com' and error_code is null
  union all
  select
    c.target_id, c.target_arn, c.kind, c.target_region, c.target_account, c.requested_at,
    case when c.mechanism = 'aws_backup' then 'backup' else 'copy' end,
    c.target_context,
    true, null, c.copy_id
  from copy_calls c
  where c.error_code is null
    and c.target_id is not null
  union all
  -- the artifacts backing a copy's target (ami_backing: a copied AMI's snapshots) are made by the
  -- copy; their KMS context is their own id
  select
    b.artifact_id, null, b.artifact_kind, c.target_region, c.target_account, c.requested_at, 'copy',
    b.artifact_id, true, null, c.copy_id
  from ami_backing b
  join copy_calls c
    on c.rule_id = b.rule_id and c.target_id = b.target_id and c.target_region = b.region and c.error_code is null
)
select
  artifact_id, arn, kind, region, account_id, created_at, origin, context_id, encrypted, key_arn, event_id
from made
where artifact_id is not null
qualify row_number() over (partition by artifact_id, region order by created_at, event_id) = 1
