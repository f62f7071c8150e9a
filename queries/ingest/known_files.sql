-- Files the ledger already holds, so a re-run skips them. Oldest first: when a location was read
-- more than once (it changed after a rejection), its newest row is the one a reader keeps.
-- params: $source. output: location, size, sha256, etag, status.
select
  location,
  size,
  sha256,
  etag,
  status
from ingested_files
where source = $source
order by file_id
