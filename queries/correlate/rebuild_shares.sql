-- Shares and unshares of snapshots, AMIs and DB snapshots with other accounts or the public
-- (reference §2.3, §3.3): one row per account added or removed, with the class of its recipient:
-- public ('all'), aws_backup_airgap, or account (any other account: whether it is inside the
-- organization is the report policy's to judge). aws_backup_airgap is a share AWS Backup itself
-- made (invokedBy backup.amazonaws.com, in either identity style) of an artifact a Backup copy job
-- was copying, within an hour of the job, into a logically air-gapped vault created in our trails
-- (CreateLogicallyAirGappedBackupVault): the vault keeps its recovery points in an account AWS
-- Backup owns. The recipient's id never decides it, so a share to any other account stays flagged.
-- params: none. output: none.
insert into shares (
  artifact_id, artifact_kind, region, from_account, to_account, action, event_time, event_id, recipient_class
)
with mods as (
  select
    *,
    request_parameters as rp
  from events
  where event_name in (
    'ModifySnapshotAttribute', 'ModifyImageAttribute', 'ModifyDBSnapshotAttribute',
    'ModifyDBClusterSnapshotAttribute'
  )
    and error_code is null
),
lists as (
  select
    event_id, event_time, aws_region, recipient_account_id, invoked_by,
    case event_name
      when 'ModifySnapshotAttribute' then rp ->> 'snapshotId'
      when 'ModifyImageAttribute' then rp ->> 'imageId'
      when 'ModifyDBSnapshotAttribute' then rp ->> 'dBSnapshotIdentifier'
      else rp ->> 'dBClusterSnapshotIdentifier'
    end as artifact_id,
    case event_name
      when 'ModifySnapshotAttribute' then 'ebs_snapshot'
      when 'ModifyImageAttribute' then 'ami'
      when 'ModifyDBSnapshotAttribute' then 'rds_snapshot'
      else 'rds_cluster_snapshot'
    end as artifact_kind,
    case event_name
      when 'ModifySnapshotAttribute' then list_concat(
        json_extract_string(rp, '$.createVolumePermission.add.items[*].userId'),
        json_extract_string(rp, '$.createVolumePermission.add.items[*].group'))
      when 'ModifyImageAttribute' then list_concat(
        json_extract_string(rp, '$.launchPermission.add.items[*].userId'),
        json_extract_string(rp, '$.launchPermission.add.items[*].group'))
      else json_extract_string(rp, '$.valuesToAdd[*]')
    end as added,
    case event_name
      when 'ModifySnapshotAttribute' then list_concat(
        json_extract_string(rp, '$.createVolumePermission.remove.items[*].userId'),
        json_extract_string(rp, '$.createVolumePermission.remove.items[*].group'))
      when 'ModifyImageAttribute' then list_concat(
        json_extract_string(rp, '$.launchPermission.remove.items[*].userId'),
        json_extract_string(rp, '$.launchPermission.remove.items[*].group'))
      else json_extract_string(rp, '$.valuesToRemove[*]')
    end as removed
  from mods
),
changes as (
  select artifact_id, artifact_kind, aws_region, recipient_account_id, invoked_by, unnest(added) as to_account, 'added' as action, event_time, event_id
  from lists
  where artifact_id is not null and len(added) > 0
  union all
  select artifact_id, artifact_kind, aws_region, recipient_account_id, invoked_by, unnest(removed), 'removed', event_time, event_id
  from lists
  where artifact_id is not null and len(removed) > 0
),
airgap_vaults as (
  -- region, account and name of each logically air-gapped vault created in our trails; the ARN of
  -- the response (casing of either API style; shape inferred from the API reference, no real record
  -- seen), else the name in the request where the call was made
  select distinct
    coalesce(nullif(split_part(arn, ':', 4), ''), aws_region) as region,
    coalesce(nullif(split_part(arn, ':', 5), ''), recipient_account_id) as account,
    coalesce(nullif(split_part(arn, ':', 7), ''), name) as name
  from (
    select
      aws_region,
      recipient_account_id,
      coalesce(response_elements ->> 'backupVaultArn', response_elements ->> 'BackupVaultArn') as arn,
      coalesce(request_parameters ->> 'backupVaultName', request_parameters ->> 'BackupVaultName') as name
    from events
    where event_source = 'backup.amazonaws.com'
      and event_name = 'CreateLogicallyAirGappedBackupVault'
      and error_code is null
  )
),
jobs as (
  -- Backup copy jobs: the recovery point copied and the vault it went to
  select
    event_time,
    coalesce(request_parameters ->> 'recoveryPointArn', service_event_details ->> 'sourceRecoveryPointArn') as source_point,
    coalesce(
      request_parameters ->> 'destinationBackupVaultArn',
      service_event_details ->> 'destinationBackupVaultArn'
    ) as vault_arn
  from events
  where event_source = 'backup.amazonaws.com'
    and event_name in ('StartCopyJob', 'CopyJobStarted', 'CopyJobCompleted')
),
airgap_jobs as (
  select j.event_time, j.source_point
  from jobs j
  join airgap_vaults v
    on v.region = split_part(j.vault_arn, ':', 4)
   and v.account = split_part(j.vault_arn, ':', 5)
   and v.name = split_part(j.vault_arn, ':', 7)
  where j.vault_arn like 'arn:%:backup:%:backup-vault:%'
)
select
  c.artifact_id, c.artifact_kind, c.aws_region, c.recipient_account_id, c.to_account, c.action, c.event_time,
  c.event_id,
  case
    when c.to_account = 'all' then 'public'
    when c.invoked_by = 'backup.amazonaws.com'
      and exists (
        select 1
        from airgap_jobs j
        where (ends_with(j.source_point, '/' || c.artifact_id) or ends_with(j.source_point, ':' || c.artifact_id))
          and split_part(j.source_point, ':', 4) = c.aws_region
          and j.event_time between c.event_time - interval 1 hour and c.event_time + interval 1 hour
      ) then 'aws_backup_airgap'
    else 'account'
  end
from changes c
