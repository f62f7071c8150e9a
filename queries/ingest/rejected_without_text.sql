-- The batch's rejected records whose text the stage does not hold (the JS normaliser's, rejected as
-- conflicts): the loader reads their text again from the file. params: none. output: file_id, idx.
select
  file_id,
  idx
from stage_records
where reject_reason is not null
  and r is null
order by file_id, idx
