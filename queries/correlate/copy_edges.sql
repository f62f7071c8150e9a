-- One lineage edge per copy: the copy calls, completed with what other records tell about their
-- source (who owns it, how it was made, so which context its KMS records carry), plus the copies
-- seen only from the owner's side (SharedSnapshotCopyInitiated with no copy call in our trails).
-- params: none. output: temp table copy_edges.
create or replace temp table copy_edges as
with service_copies as (
  select
    event_id,
    event_time,
    aws_region,
    recipient_account_id,
    actor_account_id,
    service_event_details ->> 'snapshotId' as snapshot_id
  from events
  where event_name = 'SharedSnapshotCopyInitiated'
    and event_source = 'ec2.amazonaws.com'
),
rule as (
  select * from correlate_rules where api = 'CopySnapshot'
),
calls as (
  select
    c.*,
    a.account_id as artifact_account,
    a.context_id as artifact_context,
    a.key_arn as artifact_key,
    (
      select s.from_account
      from shares s
      where s.artifact_id = c.source_id
        and s.region = c.source_region
        and s.to_account in (c.target_account, 'all')
        and s.action = 'added'
        and s.event_time <= c.requested_at
      order by s.event_time desc
      limit 1
    ) as sharer,
    (
      select sc.recipient_account_id
      from service_copies sc
      where sc.snapshot_id = c.source_id
        and sc.aws_region = c.source_region
        and sc.actor_account_id = c.target_account
      limit 1
    ) as owner_by_service_event
  from copy_calls c
  left join artifacts a on a.artifact_id = c.source_id and a.region = c.source_region
)
select
  copy_id, kind, api, context, mechanism, requested_at, request_event_id, principal_arn, actor_account_id,
  error_code, request_id, key_ref, copy_job_id,
  source_id, source_arn, source_region,
  -- only the owner, or an account it was shared with, can copy a snapshot
  coalesce(source_account_named, artifact_account, sharer, owner_by_service_event, target_account) as source_account,
  case when context = 'rds' then rds_context else artifact_context end as source_context,
  artifact_key as source_key_hint,
  target_id, target_arn, target_region, target_account,
  case when context = 'rds' then rds_context else target_id end as target_context
from calls
union all
select
  sc.event_id, 'ebs_snapshot', 'SharedSnapshotCopyInitiated', 'ebs', 'unknown', sc.event_time, sc.event_id,
  null, sc.actor_account_id, null, null, null, null,
  sc.snapshot_id, null, sc.aws_region, sc.recipient_account_id,
  a.context_id, a.key_arn,
  null, null, null, sc.actor_account_id, null
from service_copies sc
cross join rule r
left join artifacts a on a.artifact_id = sc.snapshot_id and a.region = sc.aws_region
where sc.snapshot_id is not null
  and not exists (
    select 1
    from copy_calls c
    where c.source_id = sc.snapshot_id
      and c.source_region = sc.aws_region
      and c.target_account = sc.actor_account_id
      and sc.event_time between c.requested_at - to_seconds(r.service_before_s) and c.requested_at + to_seconds(r.service_after_s)
  )
