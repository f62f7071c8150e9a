-- When each copy is known to have ended, so its evidence windows end there (plus the rule's
-- afterCompletionS skew) instead of running the rule's full maximum: a record naming the new
-- artifact after that is a restore, an attach or a later copy, not this copy's work. Known from a
-- service event that completes the copy (CopyJobCompleted COMPLETED), from one tied for certain
-- that fails it (CopyJobCompleted FAILED), or from the request of a later copy of its target (the
-- target existed by then). A copy with none of these keeps its rule's maximum window.
-- params: none. output: temp table copy_completion (copy_id, ended_at, completed_at, failed).
create or replace temp table copy_completion as
with by_service as (
  select
    copy_id,
    min(event_time) filter (where completes) as done_at,
    min(event_time) filter (where fails and certain) as failed_at
  from service_ties
  group by copy_id
),
by_next_copy as (
  -- EBS and RDS copy only a completed (available) snapshot, so a later copy of the target proves
  -- it had completed; a copy of the same artifact name requested earlier is not a copy of this one
  select c.copy_id, min(n.requested_at) as next_at
  from copy_edges c
  join copy_edges n
    on n.source_id = c.target_id
   and n.source_region = c.target_region
   and n.copy_id <> c.copy_id
   and n.error_code is null
   and n.requested_at >= c.requested_at
  where c.target_id is not null
    and c.error_code is null
  group by c.copy_id
),
ends as (
  select
    c.copy_id,
    s.done_at,
    s.failed_at,
    n.next_at
  from copy_edges c
  left join by_service s on s.copy_id = c.copy_id
  left join by_next_copy n on n.copy_id = c.copy_id
  where c.error_code is null
)
select
  copy_id,
  least(done_at, failed_at, next_at) as ended_at,
  case when failed_at is null then least(done_at, next_at) end as completed_at,
  failed_at is not null as failed
from ends
where coalesce(done_at, failed_at, next_at) is not null
