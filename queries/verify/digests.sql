-- Every ingested digest with the ledger's location and source; verify reads the chain from the
-- digests' own signed names, not from this order. params: none.
-- output: file_id, location, source, digest_start_time, digest_end_time, s3_bucket, s3_object, fingerprint,
-- signature_algorithm, signature, previous_s3_object, previous_hash, previous_signature, body_sha256, log_files.
select
  d.file_id,
  f.location,
  f.source,
  d.digest_start_time,
  d.digest_end_time,
  d.s3_bucket,
  d.s3_object,
  d.fingerprint,
  d.signature_algorithm,
  d.signature,
  d.previous_s3_object,
  d.previous_hash,
  d.previous_signature,
  d.body_sha256,
  d.log_files::varchar as log_files
from digests d
join ingested_files f on f.file_id = d.file_id
order by d.file_id
