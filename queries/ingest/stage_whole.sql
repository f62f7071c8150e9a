-- The keys of the records in the trail files taken whole (ingest/typed-trail.ts) into stage_records:
-- what deduplication, conflicts and coverage read. The prepare workers wrote them as they parsed each
-- file, a line per record, so DuckDB reads them without parsing the files; their other columns are
-- read once, by insert_events_whole.sql, straight into events. Every record here is an object of
-- known fields with a valid eventTime (checked in JS). A key written twice in a record is refused by
-- insert_events_whole.sql, which reads these four fields too.
-- params: $paths (the batch's key files), $max_bytes (longest line). output: rows added to
-- stage_records, `whole` true.
insert into stage_records (
  file_id, idx, event_id, event_time, event_time_text, aws_region, recipient_account_id, whole
)
select m.file_id, k.i, k.id, cast(k.t as timestamptz), k.t, k.r, k.a, true
from read_json(
  $paths,
  format = 'newline_delimited',
  columns = { _p: 'BIGINT', i: 'BIGINT', id: 'VARCHAR', t: 'VARCHAR', r: 'VARCHAR', a: 'VARCHAR' },
  maximum_object_size = $max_bytes
) k
join stage_map m on m.p = k._p
