-- Adds rejections found before loading (corrupt gzip, malformed JSON, bad NDJSON lines), written by
-- the loader as NDJSON. params: $path, $max_bytes. output: none.
insert into rejects (reject_id, file_id, location, record_index, reason, raw)
select
  nextval('reject_id_seq'),
  file_id,
  location,
  record_index,
  reason,
  raw
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {file_id: 'BIGINT', location: 'VARCHAR', record_index: 'INTEGER', reason: 'VARCHAR', raw: 'VARCHAR'},
  maximum_object_size = $max_bytes
)
