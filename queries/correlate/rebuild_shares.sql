-- Shares and unshares of snapshots, AMIs and DB snapshots with other accounts or the public
-- (reference §2.3, §3.3): one row per account added or removed. params: none. output: none.
insert into shares (artifact_id, artifact_kind, region, from_account, to_account, action, event_time, event_id)
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
    event_id, event_time, aws_region, recipient_account_id,
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
)
select artifact_id, artifact_kind, aws_region, recipient_account_id, unnest(added), 'added', event_time, event_id
from lists
where artifact_id is not null and len(added) > 0
union all
select artifact_id, artifact_kind, aws_region, recipient_account_id, unnest(removed), 'removed', event_time, event_id
from lists
where artifact_id is not null and len(removed) > 0
