-- A re-delivered record must be the same event: one whose event_id is stored with another
-- eventTime means one of the two was altered. The stored event stays; this record is rejected
-- with both times named, instead of counted as a plain duplicate. params: none. output: none.
update stage_records s
set reject_reason = 'eventID is stored already with eventTime '
  || strftime(seen.stored_time, '%Y-%m-%dT%H:%M:%SZ') || ', this record says ' || s.event_time_text
from stage_seen seen
where seen.file_id = s.file_id
  and seen.idx = s.idx
  and seen.stored_time <> s.event_time
