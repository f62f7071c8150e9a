-- CloudTrail digest files as ingested, with the signature S3 kept in object metadata (or the
-- `.sig` file beside a local copy), so `verify` can check signatures, the chain and log hashes.
create table if not exists digests (
  file_id bigint primary key,
  account_id varchar,
  region varchar,
  digest_start_time varchar,            -- as written in the digest: part of the signed string
  digest_end_time varchar,
  s3_bucket varchar,
  s3_object varchar,
  fingerprint varchar,
  signature_algorithm varchar,
  signature varchar,                    -- hex; null when none was found
  previous_s3_object varchar,
  previous_hash varchar,
  previous_signature varchar,
  body_sha256 varchar not null,
  log_files json,
  status varchar not null default 'unchecked', -- valid | invalid | unchecked
  status_reason varchar
);

alter table ingested_files add column if not exists digest_reason varchar;
