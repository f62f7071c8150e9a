-- The valid records of the batch that are not yet in events: the first of each event_id in the batch,
-- and none whose event_id is already stored. CloudTrail re-delivers a record unchanged, so a stored
-- duplicate has the same event_time; the time range lets DuckDB skip most of events.
-- params: none. output: temp table stage_new.
create or replace temp table stage_new as
with valid as (
  select *
  from stage_records
  where reject_reason is null
  qualify row_number() over (partition by event_id order by file_id, idx) = 1
),
bounds as (
  select min(event_time) as lo, max(event_time) as hi
  from valid
),
stored as (
  select e.event_id
  from events e, bounds b
  where e.event_time between b.lo and b.hi
)
select v.*
from valid v
where v.event_id not in (select event_id from stored)
