-- The evidence manifest's inputs: every file the store was built from, with its hash and digest
-- status. params: none. output: location, source, kind, sha256, size, status, digest_status.
select location, source, kind, sha256, size, status, digest_status
from ingested_files
order by file_id
