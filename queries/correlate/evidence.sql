-- Links each copy to the KMS and service events it caused, strongest join first (DESIGN §4):
-- encryption_context (target, including a copied AMI's backing snapshots), source_context (source; ties broken by request id, then identity,
-- then the single copy requested closest before; otherwise every candidate is marked
-- source_context_ambiguous, never attached as certain), request_id, shared_event (the other
-- account's copy of a matched record), service_event, and key_time_window (a weak hint, only for
-- records that name no resource at all). A read (not a data-key generation) naming a copy's target,
-- made after a later copy of that target was requested, is that later copy's source read, not the
-- first copy's target write. params: none. output: temp table evidence_all.
create or replace temp table evidence_all as
with e as (
  select
    c.*,
    r.target_before_s, r.target_after_s, r.source_before_s, r.source_after_s, r.pick_window_s,
    r.weak_window_s, r.service_before_s, r.service_after_s
  from copy_edges c
  join correlate_rules r
    on r.api = case when c.api = 'SharedSnapshotCopyInitiated' then 'CopySnapshot' else c.api end
  where c.error_code is null
),
source_candidates as (
  select
    e.copy_id,
    k.event_id,
    e.source_context,
    (k.request_id is not null and k.request_id = e.request_id) as rid,
    (k.actor_account_id = e.target_account and (k.actor_arn is null or k.actor_arn = e.principal_arn)) as ident,
    (epoch(k.event_time) - epoch(e.requested_at)) between -e.source_before_s and e.pick_window_s as near,
    -- a read of the source made after this copy was requested (a data key is generated for a write)
    k.event_time >= e.requested_at and k.event_name not like 'GenerateDataKey%' as read_after_request
  from e
  join kms_context k
    on k.region = e.source_region
   and (
     (e.context = 'ebs' and k.ebs_ctx = e.source_context)
     or (e.context = 'rds' and k.rds_ctx = e.source_context and e.source_region <> e.target_region)
   )
   and k.event_time between e.requested_at - to_seconds(e.source_before_s) and e.requested_at + to_seconds(e.source_after_s)
  where e.source_context is not null
),
target_ctx as (
  select e.copy_id, k.event_id, 'target' as side, 'encryption_context' as match, 1 as strength
  from e
  join kms_context k
    on k.region = e.target_region
   and (
     (e.context = 'ebs' and (k.ebs_ctx = e.target_context or k.ebs_dest_ctx = e.target_context))
     or (e.context = 'rds' and k.rds_ctx = e.target_context)
   )
   and k.event_time between e.requested_at - to_seconds(e.target_before_s) and e.requested_at + to_seconds(e.target_after_s)
   and not exists (
     select 1 from source_candidates l
     where l.event_id = k.event_id and l.source_context = e.target_context and l.read_after_request
   )
  where e.target_context is not null
),
backing_ctx as (
  -- a copied AMI's backing snapshots are made by the CopyImage call: their target records name them
  select e.copy_id, k.event_id, 'target' as side, 'encryption_context' as match, 1 as strength
  from e
  join ami_backing b on b.dest_ami = e.target_id and b.region = e.target_region
  join kms_context k
    on k.region = e.target_region
   and (k.ebs_ctx = b.snapshot_id or k.ebs_dest_ctx = b.snapshot_id)
   and k.event_time between e.requested_at - to_seconds(e.target_before_s) and e.requested_at + to_seconds(e.target_after_s)
   and not exists (
     select 1 from source_candidates l
     where l.event_id = k.event_id and l.source_context = b.snapshot_id and l.read_after_request
   )
  where e.api = 'CopyImage'
),
source_counted as (
  select
    *,
    count(*) over (partition by event_id) as n,
    sum(rid::int) over (partition by event_id) as n_rid,
    sum(ident::int) over (partition by event_id) as n_ident,
    sum(near::int) over (partition by event_id) as n_near
  from source_candidates
),
source_ctx as (
  select copy_id, event_id, 'source' as side, verdict as match, case when verdict = 'source_context' then 2 else 7 end as strength
  from (
    select
      *,
      case
        when n = 1 then 'source_context'
        when n_rid = 1 then case when rid then 'source_context' end
        when n_rid > 1 then case when rid then 'source_context_ambiguous' end
        when n_ident = 1 then case when ident then 'source_context' end
        when n_near = 1 then case when near then 'source_context' end
        else 'source_context_ambiguous'
      end as verdict
    from source_counted
  )
  where verdict is not null
),
by_request as (
  select
    e.copy_id, k.event_id,
    -- the region tells the side, unless the copy stays in one region: then the requested key does
    case
      when k.region <> e.target_region then 'source'
      when e.source_region <> e.target_region then 'target'
      when k.key_arn = e.key_ref or k.key_ref = e.key_ref then 'target'
      else 'source'
    end as side,
    'request_id' as match, 3 as strength
  from e
  join kms_context k
    on k.request_id = e.request_id
   and k.event_time between e.requested_at - to_seconds(e.target_before_s) and e.requested_at + to_seconds(e.target_after_s)
  where e.request_id is not null
),
certain as (
  select * from target_ctx
  union all
  select * from backing_ctx
  union all
  select * from source_ctx where match = 'source_context'
  union all
  select * from by_request
),
shared as (
  select c.copy_id, k2.event_id, c.side, 'shared_event' as match, 4 as strength
  from certain c
  join kms_context k1 on k1.event_id = c.event_id
  join kms_context k2
    on k2.shared_event_id = k1.shared_event_id
   and k2.event_id <> k1.event_id
   and k2.recipient_account_id is distinct from k1.recipient_account_id
  where k1.shared_event_id is not null
),
service as (
  select e.copy_id, s.event_id, 'source' as side, 'service_event' as match, 5 as strength
  from e
  join events s
    on s.event_name = 'SharedSnapshotCopyInitiated'
   and (s.service_event_details ->> 'snapshotId') = e.source_id
   and s.aws_region = e.source_region
   and s.actor_account_id = e.target_account
   and s.event_time between e.requested_at - to_seconds(e.service_before_s) and e.requested_at + to_seconds(e.service_after_s)
  where e.api <> 'SharedSnapshotCopyInitiated'
  union all
  select
    e.copy_id, s.event_id,
    case when s.event_name = 'CopyJobCompleted' then 'target' else 'source' end,
    'service_event', 5
  from e
  join events s
    on s.event_source = 'backup.amazonaws.com'
   and s.event_name in ('CopyJobStarted', 'CopyJobCompleted')
   and (
     (s.service_event_details ->> 'copyJobId') = e.copy_job_id
     or (e.target_id is not null and (s.service_event_details ->> 'destinationRecoveryPointArn') like ('%' || e.target_id))
     or ((s.service_event_details ->> 'sourceRecoveryPointArn') like ('%/' || e.source_id)
         and s.event_time between e.requested_at - to_seconds(e.service_before_s) and e.requested_at + to_seconds(e.service_after_s))
   )
  where e.mechanism = 'aws_backup'
),
weak as (
  select e.copy_id, k.event_id, 'target' as side, 'key_time_window' as match, 6 as strength
  from e
  join kms_context k
    on k.region = e.target_region
   and not k.has_context
   and (k.key_arn = e.key_ref or k.key_ref = e.key_ref)
   and k.event_time between e.requested_at - to_seconds(e.weak_window_s) and e.requested_at + to_seconds(e.weak_window_s)
  where e.key_ref is not null
)
select copy_id, event_id, side, match, strength
from (
  select * from certain
  union all select * from source_ctx where match = 'source_context_ambiguous'
  union all select * from shared
  union all select * from service
  union all select * from weak
)
qualify row_number() over (partition by copy_id, event_id order by strength, side) = 1
