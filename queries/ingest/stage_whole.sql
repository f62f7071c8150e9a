-- The keys of the records in the trail files taken whole (ingest/typed-trail.ts) into stage_records:
-- what deduplication, conflicts and coverage read. Their other columns are read once, by
-- insert_events_whole.sql, straight into events. Every record here is an object of known fields with
-- a valid eventTime (checked in JS). DuckDB refuses the statement on a key written twice among the
-- fields read here; insert_events_whole.sql sees the others.
-- params: $paths (the batch's whole-file lines, in files of a few MB), $max_bytes (longest line).
-- output: rows added to stage_records, `whole` true.
insert into stage_records (
  file_id, idx, event_id, event_time, event_time_text, aws_region, recipient_account_id, whole
)
select
  m.file_id, u.i - 1, u.r.eventID, cast(u.r.eventTime as timestamptz), u.r.eventTime, u.r.awsRegion,
  u.r.recipientAccountId, true
from (
  select _p, unnest(Records) as r, generate_subscripts(Records, 1) as i
  from read_json(
    $paths,
    format = 'newline_delimited',
    columns = {
      _p: 'BIGINT',
      Records: 'STRUCT(eventID VARCHAR, eventTime VARCHAR, awsRegion VARCHAR, recipientAccountId VARCHAR)[]'
    },
    maximum_object_size = $max_bytes
  )
) u
join stage_map m on m.p = u._p
