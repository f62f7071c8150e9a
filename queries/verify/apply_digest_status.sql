-- Stores each digest's verification result (signature and chain), written by verify as NDJSON;
-- the digest file's own ledger row gets the same status. params: $path, $max_bytes. output: none.
update digests d
set
  status = v.status,
  status_reason = v.status_reason
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {file_id: 'BIGINT', status: 'VARCHAR', status_reason: 'VARCHAR'},
  maximum_object_size = $max_bytes
) v
where d.file_id = v.file_id
