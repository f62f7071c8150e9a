-- Reads one batch of prepared NDJSON (one line per input file: {"_f": file_id, "Records": [...]})
-- into a temp table. A line DuckDB cannot parse is skipped here and diagnosed by the caller.
-- params: $path (the batch file), $max_bytes (longest line, for maximum_object_size). output: temp table stage_files(_f, Records).
create or replace temp table stage_files as
select
  _f,
  Records
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {_f: 'BIGINT', Records: 'JSON[]'},
  ignore_errors = true,
  maximum_object_size = $max_bytes
)
