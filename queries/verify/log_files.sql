-- Every ingested file that is not a readable digest: log files of every source, loaded, duplicate or
-- rejected (a file that could not be read is still something someone put in the trail). params: none.
-- output: file_id, location, source, sha256, status, error.
select
  file_id,
  location,
  source,
  sha256,
  status,
  error
from ingested_files
where kind = 'log'
order by file_id
