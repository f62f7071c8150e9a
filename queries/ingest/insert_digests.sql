-- Adds the digest files of a batch, written by the loader as NDJSON. params: $path, $max_bytes. output: none.
insert into digests (
  file_id, account_id, region, digest_start_time, digest_end_time, s3_bucket, s3_object, fingerprint,
  signature_algorithm, signature, previous_s3_object, previous_hash, previous_signature, body_sha256, log_files
)
select
  file_id, account_id, region, digest_start_time, digest_end_time, s3_bucket, s3_object, fingerprint,
  signature_algorithm, signature, previous_s3_object, previous_hash, previous_signature, body_sha256, log_files
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {
    file_id: 'BIGINT', account_id: 'VARCHAR', region: 'VARCHAR', digest_start_time: 'VARCHAR',
    digest_end_time: 'VARCHAR', s3_bucket: 'VARCHAR', s3_object: 'VARCHAR', fingerprint: 'VARCHAR',
    signature_algorithm: 'VARCHAR', signature: 'VARCHAR', previous_s3_object: 'VARCHAR',
    previous_hash: 'VARCHAR', previous_signature: 'VARCHAR', body_sha256: 'VARCHAR', log_files: 'JSON'
  },
  maximum_object_size = $max_bytes
)
