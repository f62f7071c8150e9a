-- Where a rejected record's text could not be read again: a note saying why, in its place.
-- params: $file_id, $idx, $raw (the note). output: none.
update stage_records
set r = $raw
where file_id = $file_id
  and idx = $idx
