-- One lineage edge per copy: the copy calls, completed with what other records tell about their
-- source (who owns it, how it was made, so which context its KMS records carry), plus the copies
-- seen only through a service event a rule declares `alone` (SharedSnapshotCopyInitiated on the
-- owner's side, with no copy call in our trails that it ties to).
-- params: none. output: temp table copy_edges.
create or replace temp table copy_edges as
with specs as (
  select
    r.rule_id, r.kind, r.source_context_from, r.service_before_s, r.service_after_s,
    unnest(r.service_events) as s
  from correlate_rules r
),
notices as (
  -- each event of a service a rule takes as a copy of its own, with what it says of that copy
  select
    sp.rule_id,
    sp.kind,
    sp.source_context_from,
    sp.service_before_s,
    sp.service_after_s,
    sp.s.mechanism as tie_mechanism,
    sp.s.ties,
    e.event_id,
    e.event_time,
    e.event_name,
    e.rec,
    first_at(e.rec, sp.s.alone.source_id_paths) as source_id,
    first_at(e.rec, sp.s.alone.source_region_paths) as source_region,
    first_at(e.rec, sp.s.alone.source_account_paths) as source_account,
    first_at(e.rec, sp.s.alone.target_account_paths) as target_account
  from specs sp
  join rule_events e on e.event_source = sp.s.event_source and e.event_name = sp.s.event_name
  where sp.s.alone is not null
),
notice_ties as (
  -- which copy call each notice ties to, in the rule's service window or at any time
  select
    n.event_id,
    c.copy_id,
    n.source_account,
    n.event_time,
    tied(
      n.ties, n.rec, c.tie_fields,
      n.event_time between c.requested_at - to_seconds(n.service_before_s) and c.requested_at + to_seconds(n.service_after_s)
    ) as in_window
  from notices n
  join copy_calls c
    on (n.tie_mechanism is null or n.tie_mechanism = c.mechanism)
   and tied(n.ties, n.rec, c.tie_fields, true)
),
owners as (
  -- the owner's notice of a copy names the owner, whenever it came
  select copy_id, arg_min(source_account, (event_time, event_id)) as owner
  from notice_ties
  group by copy_id
),
calls as (
  select
    c.*,
    r.source_context_from,
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
    o.owner as owner_by_service_event
  from copy_calls c
  join correlate_rules r on r.rule_id = c.rule_id
  left join artifacts a on a.artifact_id = c.source_id and a.region = c.source_region
  left join owners o on o.copy_id = c.copy_id
)
select
  copy_id, rule_id, kind, api, mechanism, requested_at, request_event_id, principal_arn, actor_account_id,
  error_code, request_id, key_ref, copy_job_id, engine,
  source_id, source_arn, source_region,
  -- only the owner, or an account it was shared with, can copy a snapshot
  coalesce(source_account_named, artifact_account, sharer, owner_by_service_event, target_account) as source_account,
  case source_context_from
    when 'copy_context' then copy_context
    -- a volume's KMS records name the volume itself, however it was made
    when 'source_id' then source_id
    else artifact_context
  end as source_context,
  artifact_key as source_key_hint,
  target_id, target_arn, target_region, target_account, target_context,
  tie_fields,
  false as seen_alone
from calls
union all
select
  n.event_id, n.rule_id, n.kind, n.event_name, 'unknown', n.event_time, n.event_id,
  null, n.target_account, null, null, null, null, null,
  n.source_id, null, n.source_region, n.source_account,
  case n.source_context_from when 'source_artifact' then a.context_id when 'source_id' then n.source_id end, a.key_arn,
  null, null, null, n.target_account, null,
  null,
  true
from notices n
left join artifacts a on a.artifact_id = n.source_id and a.region = n.source_region
where n.source_id is not null
  and not exists (select 1 from notice_ties t where t.event_id = n.event_id and t.in_window)
