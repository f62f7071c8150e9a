-- The valid records of the batch that are not yet in events: the first of each event_id in the
-- batch, and none already stored (stage_seen). The first is chosen over the narrow key columns only,
-- so the window does not carry the records' JSON. params: none. output: temp table stage_new.
create or replace temp table stage_new as
with firsts as (
  select
    file_id,
    idx
  from stage_records
  where reject_reason is null
  qualify row_number() over (partition by event_id order by file_id, idx) = 1
)
select s.*
from stage_records s
semi join firsts f on f.file_id = s.file_id and f.idx = s.idx
anti join stage_seen seen on seen.file_id = s.file_id and seen.idx = s.idx
