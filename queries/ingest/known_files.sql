-- Files the ledger already holds, so a re-run skips them: for each location its newest row (a file
-- read again after it changed). A file or folder that could not be read at all (permissions, an I/O
-- error) is not "known": the next run tries it again, since the fault may be gone while the file is
-- unchanged. The location is given as its SHA-256 (four unsigned 64-bit words, most significant
-- first) and the ETag as the first 64 bits of its SHA-256 (ingest/known-files.ts holds them so), in
-- the order of the location's SHA-256.
-- params: $source. output: k1, k2, k3, k4, size, etag, status.
with latest as (
  select
    sha256(location) as k,
    size,
    etag,
    status
  from ingested_files
  where source = $source
    and not (
      status = 'rejected'
      and (error like 'cannot read:%' or error like 'unreadable folder:%')
    )
  qualify row_number() over (partition by location order by file_id desc) = 1
)
select
  ('0x' || substr(k, 1, 16))::ubigint as k1,
  ('0x' || substr(k, 17, 16))::ubigint as k2,
  ('0x' || substr(k, 33, 16))::ubigint as k3,
  ('0x' || substr(k, 49, 16))::ubigint as k4,
  size,
  ('0x' || substr(sha256(etag), 1, 16))::ubigint as etag,
  status
from latest
order by k
