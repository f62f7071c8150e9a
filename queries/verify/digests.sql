-- Every ingested digest, in chain order per account and region. params: none.
-- output: file_id, location, account_id, region, digest_start_time, digest_end_time, s3_bucket, s3_object,
-- fingerprint, signature, previous_s3_object, previous_hash, previous_signature, body_sha256, log_files.
select
  d.file_id,
  f.location,
  coalesce(d.account_id, f.path_account_id) as account_id,
  coalesce(d.region, f.path_region) as region,
  d.digest_start_time,
  d.digest_end_time,
  d.s3_bucket,
  d.s3_object,
  d.fingerprint,
  d.signature,
  d.previous_s3_object,
  d.previous_hash,
  d.previous_signature,
  d.body_sha256,
  d.log_files::varchar as log_files
from digests d
join ingested_files f on f.file_id = d.file_id
order by account_id, region, d.digest_start_time, d.file_id
