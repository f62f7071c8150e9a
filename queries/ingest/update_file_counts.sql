-- Fills each loaded file's counts: records found, rejected, new events and duplicates.
-- params: none. output: none.
update ingested_files f
set
  record_count = c.records,
  rejected_count = f.rejected_count + c.rejected,
  event_count = c.added,
  duplicate_count = c.records - c.rejected - c.added
from (
  select
    s.file_id,
    count(*) as records,
    count(s.reject_reason) as rejected,
    count(n.idx) as added
  from stage_records s
  left join stage_new n on n.file_id = s.file_id and n.idx = s.idx
  group by s.file_id
) c
where f.file_id = c.file_id
