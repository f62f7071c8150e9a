-- Adds the ledger rows of a batch, written by the loader as NDJSON. params: $path, $max_bytes. output: none.
insert into ingested_files (
  file_id, source, kind, location, size, sha256, etag, path_account_id, path_region, path_date, org_id,
  record_count, event_count, duplicate_count, rejected_count, status, error
)
select
  file_id, source, kind, location, size, sha256, etag, path_account_id, path_region, try_cast(path_date as date),
  org_id, record_count, 0, 0, rejected_count, status, error
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {
    file_id: 'BIGINT', source: 'VARCHAR', kind: 'VARCHAR', location: 'VARCHAR', size: 'BIGINT',
    sha256: 'VARCHAR', etag: 'VARCHAR', path_account_id: 'VARCHAR', path_region: 'VARCHAR',
    path_date: 'VARCHAR', org_id: 'VARCHAR', record_count: 'INTEGER', rejected_count: 'INTEGER',
    status: 'VARCHAR', error: 'VARCHAR'
  },
  maximum_object_size = $max_bytes
)
