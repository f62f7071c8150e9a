-- Every ingested log file that a digest could vouch for. params: none.
-- output: file_id, location, sha256, path_account_id, path_region.
select
  file_id,
  location,
  sha256,
  path_account_id,
  path_region
from ingested_files
where kind = 'log'
  and sha256 is not null
order by file_id
