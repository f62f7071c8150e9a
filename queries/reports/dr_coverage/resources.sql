-- Protected resources: every volume or DB seen being snapshotted (CreateSnapshot,
-- CreateDBSnapshot, CreateDBClusterSnapshot, or by AWS Backup), up to the end of the window, with
-- the tags written on each snapshot. params: $until (ISO text or null). output: resource_id,
-- family (ebs | rds | docdb | neptune), account_id, region, snapshot_id, created_at, tags (JSON list of key/value).
select
  a.context_id as resource_id,
  -- DocumentDB and Neptune snapshot through RDS calls: the engine their response names sets them apart
  case
    when a.kind = 'ebs_snapshot' then 'ebs'
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
  and a.kind in ('ebs_snapshot', 'rds_snapshot', 'rds_cluster_snapshot')
  and a.context_id is not null
  and ($until::timestamptz is null or a.created_at < $until::timestamptz)
order by a.context_id, a.created_at
