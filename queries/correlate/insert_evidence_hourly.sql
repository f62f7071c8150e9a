-- Replication evidence rolled up per edge, hour, side and KMS operation: a replication makes one
-- KMS call per object, so the lineage keeps counts, not event ids. A call logged in two trails (a
-- cross-account key's owner gets a copy with the same sharedEventID) counts once in events and
-- denied, twice in records. params: none. output: none.
insert into copy_evidence_hourly (
  copy_id, hour, side, event_name, region, events, denied, records, first_event_id, last_event_id
)
select
  copy_id,
  date_trunc('hour', event_time),
  side,
  event_name,
  min(region),
  count(distinct call_id)::integer,
  (count(distinct call_id) filter (where error_code is not null))::integer,
  count(*)::integer,
  arg_min(event_id, (event_time, event_id)),
  arg_max(event_id, (event_time, event_id))
from s3_replication_evidence
group by copy_id, date_trunc('hour', event_time), side, event_name
order by copy_id, 2, side, event_name
