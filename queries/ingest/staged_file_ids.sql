-- Files of the current batch that DuckDB could read, with their record counts.
-- params: none. output: file_id, record_count.
select
  _f as file_id,
  coalesce(len(Records), 0) as record_count
from stage_files
