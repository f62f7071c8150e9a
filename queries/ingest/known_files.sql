-- Files the ledger already holds, so a re-run skips them. Oldest first: when a location was read
-- more than once (it changed after a rejection), its newest row is the one a reader keeps. A file
-- or folder that could not be read at all (permissions, an I/O error) is not "known": the next run
-- tries it again, since the fault may be gone while the file is unchanged.
-- params: $source. output: location, size, sha256, etag, status.
select
  location,
  size,
  sha256,
  etag,
  status
from ingested_files
where source = $source
  and not (
    status = 'rejected'
    and (error like 'cannot read:%' or error like 'unreadable folder:%')
  )
order by file_id
