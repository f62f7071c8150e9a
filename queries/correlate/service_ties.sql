-- Which service events (SharedSnapshotCopyInitiated, a Backup job's CopyJob*) tie to which copy, by
-- the ties its rule declares; certain when a tie that needs no time window holds (a job id, the new
-- artifact's id). An event tied for certain to one copy is that copy's: it is never also attached to
-- another copy by a tie of source and time alone (two jobs copying one recovery point at once each
-- keep their own events), and an event tied by source and time alone to several copies is the
-- evidence of none. A copy known only through such an event takes none: it is that event.
-- completes / fails: the event's state says the copy finished or failed.
-- params: none. output: temp table service_ties.
create or replace temp table service_ties as
with specs as (
  select rule_id, service_before_s, service_after_s, unnest(service_events) as spec
  from correlate_rules
),
candidates as (
  select
    c.copy_id,
    s.event_id,
    s.event_time,
    s.rec,
    sp.spec,
    tied(sp.spec.ties, s.rec, c.tie_fields, false) as certain
  from copy_edges c
  join specs sp on sp.rule_id = c.rule_id
  join rule_events s on s.event_source = sp.spec.event_source and s.event_name = sp.spec.event_name
  where not c.seen_alone
    -- a call that switches a configuration off is its end, not its evidence (evidence.sql ends)
    and not sp.spec.ends
    and (sp.spec.mechanism is null or sp.spec.mechanism = c.mechanism)
    and tied(
      sp.spec.ties, s.rec, c.tie_fields,
      s.event_time between c.requested_at - to_seconds(sp.service_before_s) and c.requested_at + to_seconds(sp.service_after_s)
    )
)
select
  k.copy_id,
  k.event_id,
  k.event_time,
  k.spec.side as side,
  k.certain,
  coalesce(json_extract_string(k.rec, k.spec.completes_path) = k.spec.completes_value, false) as completes,
  coalesce(list_contains(k.spec.fails_values, json_extract_string(k.rec, k.spec.fails_path)), false) as fails
from (select *, count(*) over (partition by event_id) as fits from candidates) k
where k.certain
  or (
    k.fits = 1
    and not exists (select 1 from candidates o where o.event_id = k.event_id and o.certain and o.copy_id <> k.copy_id)
  )
