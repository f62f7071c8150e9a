-- The valid records of the batch that are not yet in events: the first of each event_id in the
-- batch, and none already stored (stage_seen). Only the keys and the columns coverage counts by are
-- kept: insert_events takes the rest from stage_records, so the records are not copied twice.
-- params: none. output: temp table stage_new(file_id, idx, event_time, recipient_account_id, aws_region).
create or replace temp table stage_new as
select
  s.file_id,
  s.idx,
  s.event_time,
  s.recipient_account_id,
  s.aws_region
from stage_records s
where s.reject_reason is null
qualify row_number() over (partition by s.event_id order by s.file_id, s.idx) = 1
  and not exists (select 1 from stage_seen seen where seen.file_id = s.file_id and seen.idx = s.idx)
