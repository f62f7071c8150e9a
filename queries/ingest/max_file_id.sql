-- Highest file id in use; the loader numbers new files after it. params: none. output: max_id.
select coalesce(max(file_id), 0)::bigint as max_id
from ingested_files
