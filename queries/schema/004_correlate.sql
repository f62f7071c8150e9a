-- Correlate's working tables. kms_context holds, once per KMS event, what joins it to copies (key,
-- region, encryption-context ids, request id): extracting that from JSON is the expensive part,
-- so it is done only for events loaded since the last run (correlate_state.watermark).
create table if not exists kms_context (
  event_id varchar not null,
  event_time timestamptz not null,
  event_name varchar not null,
  region varchar,
  recipient_account_id varchar,
  key_arn varchar,                      -- resources[0].ARN: the key used (ReEncrypt: the source key)
  dest_key_arn varchar,                 -- ReEncrypt only: resources[1].ARN
  key_ref varchar,                      -- requestParameters.keyId as the caller wrote it (alias, id or ARN)
  ebs_ctx varchar,                      -- aws:ebs:id from encryptionContext, grant constraints or ReEncrypt source
  ebs_dest_ctx varchar,                 -- aws:ebs:id of a ReEncrypt's destination context
  rds_ctx varchar,                      -- aws:rds:db-id
  has_context boolean not null,         -- any encryption context or grant constraint at all
  request_id varchar,
  shared_event_id varchar,
  actor_account_id varchar,
  actor_arn varchar,
  invoked_by varchar,
  file_id bigint
);

create table if not exists correlate_state (
  id integer primary key,
  watermark bigint not null,            -- highest file_id whose KMS events are in kms_context
  correlated_at timestamptz
);
