-- Stores each log file's verification result, written by verify as NDJSON.
-- params: $path, $max_bytes. output: none.
update ingested_files f
set
  digest_status = v.digest_status,
  digest_reason = v.digest_reason
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {file_id: 'BIGINT', digest_status: 'VARCHAR', digest_reason: 'VARCHAR'},
  maximum_object_size = $max_bytes
) v
where f.file_id = v.file_id
