-- Files the ledger already holds, so a re-run skips them: for each location its newest row (a file
-- read again after it changed). A file or folder that could not be read at all (permissions, an I/O
-- error) is not "known": the next run tries it again, since the fault may be gone while the file is
-- unchanged. The location is given as its SHA-256 (eight unsigned 32-bit words, most significant
-- first) and the ETag as the first 64 bits of its SHA-256 (ingest/known-files.ts holds them so), in
-- the order of the location's SHA-256.
-- params: $source. output: k1 … k8, size, etag, status.
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
  ('0x' || substr(k, 1, 8))::uinteger as k1,
  ('0x' || substr(k, 9, 8))::uinteger as k2,
  ('0x' || substr(k, 17, 8))::uinteger as k3,
  ('0x' || substr(k, 25, 8))::uinteger as k4,
  ('0x' || substr(k, 33, 8))::uinteger as k5,
  ('0x' || substr(k, 41, 8))::uinteger as k6,
  ('0x' || substr(k, 49, 8))::uinteger as k7,
  ('0x' || substr(k, 57, 8))::uinteger as k8,
  size,
  ('0x' || substr(sha256(etag), 1, 16))::ubigint as etag,
  status
from latest
order by k
