-- Protected resources: every volume, DB or FSx file system seen being snapshotted (CreateSnapshot,
-- CreateDBSnapshot, CreateDBClusterSnapshot, FSx CreateBackup, or by AWS Backup), and every file system, table or
-- Redshift cluster/namespace seen with a replication switched on (a configuration-style copy, whose
-- source is the resource itself; still a resource once the replication ended), up to the end of the
-- window, with the tags written on each snapshot. params: $until (ISO text or null). output:
-- resource_id, family (ebs | rds | docdb | neptune | fsx | efs | dynamodb | redshift), account_id,
-- region, snapshot_id (for a replication: the resource), created_at, tags (JSON list of key/value).
select
  a.context_id as resource_id,
  -- DocumentDB and Neptune snapshot through RDS calls: the engine their response names sets them apart
  case
    when a.kind = 'ebs_snapshot' then 'ebs'
    when a.kind = 'fsx_backup' then 'fsx'
    when e.response_elements ->> 'engine' = 'docdb' then 'docdb'
    when e.response_elements ->> 'engine' like 'neptune%' then 'neptune'
    else 'rds'
  end as family,
  a.account_id,
  a.region,
  a.artifact_id as snapshot_id,
  strftime(a.created_at::timestamp, '%Y-%m-%dT%H:%M:%SZ') as created_at,
  coalesce(
    json_extract(e.request_parameters, '$.tagSpecificationSet.items[*].tags[*]'),
    json_extract(e.request_parameters, '$.tags[*]')
  )::varchar as tags
from artifacts a
left join events e on e.event_id = a.created_event_id
where a.origin in ('create', 'backup')
  -- a copy made by AWS Backup is an artifact of origin backup too, but it is a copy, not a resource
  and not exists (select 1 from copies c where c.copy_id = a.created_event_id)
  and a.kind in ('ebs_snapshot', 'rds_snapshot', 'rds_cluster_snapshot', 'fsx_backup')
  and a.context_id is not null
  and ($until::timestamptz is null or a.created_at < $until::timestamptz)
union all
select
  c.source_id,
  case c.kind
    when 'efs_replication' then 'efs'
    when 'dynamodb_replica' then 'dynamodb'
    when 'redshift_snapshot_copy' then 'redshift'
  end,
  c.source_account,
  c.source_region,
  c.source_id,
  strftime(c.requested_at::timestamp, '%Y-%m-%dT%H:%M:%SZ'),
  null
from copies c
where c.kind in ('efs_replication', 'dynamodb_replica', 'redshift_snapshot_copy')
  and c.status in ('active', 'ended')
  and c.source_id is not null
  and ($until::timestamptz is null or c.requested_at < $until::timestamptz)
order by resource_id, created_at
