-- Records of the batch whose event_id is stored already, whenever that event happened: CloudTrail
-- re-delivers records, sometimes in a much later file, so the check runs against every stored
-- event, not a time range. params: none. output: temp table stage_seen(file_id, idx, stored_time).
create or replace temp table stage_seen as
select
  s.file_id,
  s.idx,
  e.event_time as stored_time
from stage_records s
join events e on e.event_id = s.event_id
where s.reject_reason is null
