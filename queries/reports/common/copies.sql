-- Copies requested in the report window, with who asked from where, their evidence counts, their
-- stored chain (queries/correlate/copy_chains.sql) and the resource that chain started from: the
-- context id (volume or DB) of the artifact its root copy copied. A chain that loops or runs past
-- the depth cap has no root, so no resource; and when its new artifact was deleted, if it was. An
-- S3 replication's evidence is the replication role's calls that went through (copy_evidence_hourly
-- counts them; their ids are not listed: one per object), and its ended_at says whether it still
-- stands. params: $since, $until (ISO text or null), $copy_ids (JSON array text of copy ids, or null
-- for every copy: forensics reads only its subject's). output: one row per copy (see the select list).
with origin as (
  select
    c.copy_id,
    coalesce(a.context_id, rc.source_id) as resource_id,
    coalesce(rc.source_account, a.account_id) as resource_account,
    rc.source_region as resource_region,
    a.kind as resource_kind
  from copies c
  join copies rc on rc.copy_id = c.root_copy_id
  left join artifacts a on a.artifact_id = rc.source_id and a.region = rc.source_region
  qualify row_number() over (partition by c.copy_id order by a.created_at) = 1
),
deleted as (
  -- artifacts deleted, by the region they were in and the id the deletion names (an RDS name, an
  -- EC2 snapshot id, or a recovery point ARN's last part)
  select
    aws_region as region,
    case
      when coalesce(request_parameters ->> 'recoveryPointArn', '') like 'arn:%:rds:%'
        then regexp_extract(request_parameters ->> 'recoveryPointArn', '^arn:[^:]+:rds:[^:]*:[^:]*:[^:]+:(.+)$', 1)
      when request_parameters ->> 'recoveryPointArn' is not null
        then regexp_extract(request_parameters ->> 'recoveryPointArn', '([^:/]+)$', 1)
      else coalesce(
        request_parameters ->> 'snapshotId',
        request_parameters ->> 'dBSnapshotIdentifier',
        request_parameters ->> 'dBClusterSnapshotIdentifier'
      )
    end as artifact_id,
    event_time as deleted_at
  from events
  where event_name in ('DeleteSnapshot', 'DeleteDBSnapshot', 'DeleteDBClusterSnapshot', 'DeleteRecoveryPoint')
    and error_code is null
),
ev as (
  select
    copy_id,
    count(*) as evidence,
    count(*) filter (where match in ('encryption_context', 'source_context', 'request_id', 'shared_event')) as kms_certain,
    list(event_id order by event_id) as evidence_event_ids
  from copy_evidence
  group by copy_id
),
hourly as (
  select copy_id, sum(events - denied) as calls
  from copy_evidence_hourly
  group by copy_id
)
select
  c.copy_id,
  c.kind,
  c.api,
  c.mechanism,
  c.status,
  c.error_code,
  strftime(c.requested_at::timestamp, '%Y-%m-%dT%H:%M:%SZ') as requested_at,
  c.request_event_id,
  c.principal_arn,
  e.source_ip,
  e.user_agent,
  c.source_id,
  c.source_region,
  c.source_account,
  c.source_key_arn,
  c.target_id,
  c.target_arn,
  c.target_region,
  c.target_account,
  c.target_key_arn,
  tk.aws_managed as target_key_aws_managed,
  tk.account_id as target_key_account,
  c.key_change,
  c.parent_copy_id,
  c.chain,
  c.chain_status,
  o.resource_id,
  o.resource_account,
  o.resource_region,
  o.resource_kind,
  coalesce(ev.evidence, 0) + coalesce(h.calls, 0) as evidence,
  coalesce(ev.kms_certain, 0) + coalesce(h.calls, 0) as kms_certain,
  coalesce(ev.evidence_event_ids, []::varchar[]) as evidence_event_ids,
  strftime(c.ended_at::timestamp, '%Y-%m-%dT%H:%M:%SZ') as ended_at,
  -- the first deletion after the copy was requested: a name reused later is another artifact
  (
    select strftime(min(d.deleted_at)::timestamp, '%Y-%m-%dT%H:%M:%SZ')
    from deleted d
    where d.artifact_id = c.target_id and d.region = c.target_region and d.deleted_at >= c.requested_at
  ) as target_deleted_at
from copies c
left join events e on e.event_id = c.request_event_id
left join kms_keys tk on tk.key_arn = c.target_key_arn
left join origin o on o.copy_id = c.copy_id
left join ev on ev.copy_id = c.copy_id
left join hourly h on h.copy_id = c.copy_id
where ($since::timestamptz is null or c.requested_at >= $since::timestamptz)
  and ($until::timestamptz is null or c.requested_at < $until::timestamptz)
  and ($copy_ids::varchar is null or list_contains(from_json($copy_ids::varchar, '["VARCHAR"]'), c.copy_id))
order by c.requested_at, c.copy_id
