-- Files the ledger already holds, so a re-run skips them. params: $source.
-- output: location, size, sha256, etag, status.
select
  location,
  size,
  sha256,
  etag,
  status
from ingested_files
where source = $source
