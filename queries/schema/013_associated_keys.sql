-- Associated KMS keys (EC2 AssociateKmsKeyId / DisassociateKmsKeyId, 2026): a snapshot may carry
-- keys besides the one it is encrypted under, each a second, independent way to its data, so each
-- is a place the data can be opened from. correlate rebuilds artifact_keys from events on every run
-- (queries/correlate/rebuild_artifact_keys.sql): one row per call, so the keys a snapshot carries at
-- any moment are those whose latest row before it is 'associated'.
--   key_ref  the key as the caller named it (id, alias, ARN or alias ARN)
--   key_arn  the key's ARN where the records tell it (an ARN given, a key id in the call's region
--            and account, an alias learned from KMS records), else null
create table if not exists artifact_keys (
  artifact_id varchar not null,
  region varchar,
  account_id varchar,
  key_ref varchar not null,
  key_arn varchar,
  action varchar not null,              -- associated | disassociated
  event_time timestamptz not null,
  event_id varchar not null
);

-- The keys associated with each copy's target as of the latest record (each as its ARN, or as the
-- caller named it when no record resolves it), sorted; empty when none. correlate fills it on its
-- next run.
alter table copies add column if not exists associated_key_arns varchar[] default [];
