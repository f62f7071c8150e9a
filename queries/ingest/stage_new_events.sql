-- The valid records of the batch that are not yet in events: the first of each event_id in the
-- batch, and none already stored (stage_seen). params: none. output: temp table stage_new.
create or replace temp table stage_new as
with valid as (
  select *
  from stage_records
  where reject_reason is null
  qualify row_number() over (partition by event_id order by file_id, idx) = 1
)
select v.*
from valid v
anti join stage_seen seen on seen.file_id = v.file_id and seen.idx = v.idx
