-- The store: every table of DESIGN §2. Column names are the contract between stages.
-- Ingest writes events, ingested_files, ingest_coverage and rejects; correlate writes the lineage tables.

create sequence if not exists file_id_seq start 1;
create sequence if not exists reject_id_seq start 1;

-- One row per log file (or API page) that ingest has seen, loaded or not.
create table if not exists ingested_files (
  file_id bigint primary key,
  source varchar not null,              -- dir | s3 | lookup | athena | lake
  kind varchar not null,                -- log | digest
  location varchar not null,            -- path, zip member (archive.zip!/member) or s3://bucket/key
  size bigint,                          -- bytes as stored (compressed when gzipped)
  sha256 varchar,                       -- hex sha256 of the uncompressed content, as CloudTrail digests hash it
  etag varchar,
  path_account_id varchar,              -- account named by the S3 layout, never trusted over the records
  path_region varchar,
  path_date date,
  org_id varchar,
  record_count integer,                 -- records found in the file
  event_count integer,                  -- records that became new events
  duplicate_count integer,
  rejected_count integer,
  status varchar not null,              -- loaded | rejected | duplicate
  error varchar,
  digest_status varchar not null default 'unchecked', -- valid | invalid | missing | unchecked
  ingested_at timestamptz not null default current_timestamp
);

-- One row per CloudTrail record, deduplicated on event_id.
create table if not exists events (
  event_id varchar not null,
  event_time timestamptz not null,
  event_source varchar not null,
  event_name varchar not null,
  event_type varchar,
  event_version varchar,
  event_category varchar,
  aws_region varchar,
  recipient_account_id varchar,
  actor_type varchar,
  actor_arn varchar,
  actor_account_id varchar,
  actor_principal_id varchar,
  invoked_by varchar,
  session_issuer_arn varchar,
  source_ip varchar,
  user_agent varchar,
  error_code varchar,
  error_message varchar,
  request_id varchar,
  shared_event_id varchar,
  read_only boolean,
  management_event boolean,
  vpc_endpoint_id varchar,
  user_identity json,
  request_parameters json,
  response_elements json,
  additional_event_data json,
  service_event_details json,
  resources json,
  tls_details json,
  addendum json,
  extra json,                           -- every top-level field the columns above do not hold
  file_id bigint not null
);

-- "Could not read" is never "nothing happened": one row per source x account x region x window.
create table if not exists ingest_coverage (
  source varchar not null,
  account_id varchar not null,
  region varchar not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  files integer not null default 0,
  events bigint not null default 0,
  truncated boolean not null default false,
  error varchar,
  primary key (source, account_id, region, window_start)
);

-- A file or record that could not be loaded, with its raw text so nothing is lost.
create table if not exists rejects (
  reject_id bigint primary key,
  file_id bigint,
  location varchar not null,
  record_index integer,                 -- null when the whole file was rejected
  reason varchar not null,
  raw varchar,
  rejected_at timestamptz not null default current_timestamp
);

-- Lineage tables, written by correlate.
create table if not exists artifacts (
  artifact_id varchar not null,
  arn varchar,
  kind varchar not null,
  region varchar,
  account_id varchar,
  created_at timestamptz,
  origin varchar,                       -- create | copy | backup
  context_id varchar,
  encrypted boolean,
  key_arn varchar,
  created_event_id varchar
);

create table if not exists kms_keys (
  key_arn varchar primary key,
  region varchar,
  account_id varchar,
  key_id varchar,
  mrk boolean,
  aws_managed boolean,
  aliases varchar[]
);

create table if not exists copies (
  copy_id varchar primary key,
  kind varchar not null,
  api varchar not null,
  mechanism varchar not null,
  status varchar not null,
  error_code varchar,
  requested_at timestamptz,
  request_event_id varchar not null,
  principal_arn varchar,
  source_id varchar,
  source_arn varchar,
  source_region varchar,
  source_account varchar,
  source_key_arn varchar,
  target_id varchar,
  target_arn varchar,
  target_region varchar,
  target_account varchar,
  target_key_arn varchar,
  key_change varchar,
  parent_copy_id varchar
);

create table if not exists copy_evidence (
  copy_id varchar not null,
  event_id varchar not null,
  side varchar not null,                -- source | target
  match varchar not null                -- encryption_context | source_context | request_id | shared_event | service_event | key_time_window
);

create table if not exists shares (
  artifact_id varchar not null,
  artifact_kind varchar,
  region varchar,
  from_account varchar,
  to_account varchar not null,          -- an account id, or 'all' for public
  action varchar not null,              -- added | removed
  event_time timestamptz,
  event_id varchar not null
);
