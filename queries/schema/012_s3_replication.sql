-- S3 replication lineage. A replication edge is a copies row (kind s3_replication); its KMS
-- evidence is one KMS call per object, so it is kept as hourly counts in copy_evidence_hourly
-- instead of one copy_evidence row per call.
--
-- kms_context gains what replication evidence joins on: the aws:s3:arn encryption context (a
-- bucket ARN, or an object ARN when the bucket key is off), the caller's role (the session issuer
-- of an assumed-role session) and the error code, because a replication role whose calls are
-- denied is a failing replication. Denied calls were never extracted before, and neither were
-- Encrypt calls, so kms_context is emptied here and the next correlate extracts every KMS event
-- again (once; later runs go on from the watermark).
alter table kms_context add column if not exists s3_arn varchar;
alter table kms_context add column if not exists error_code varchar;
alter table kms_context add column if not exists session_issuer_arn varchar;
delete from kms_context;
update correlate_state set watermark = 0;

-- when a replication edge stopped standing (its configuration deleted or replaced without its
-- destination), and the role the configuration names; null for every other kind of copy
alter table copies add column if not exists ended_at timestamptz;
alter table copies add column if not exists replication_role varchar;

-- Replication evidence per edge, hour, side and KMS operation. events counts calls (a
-- cross-account call's two records, one per trail, share a sharedEventID and count once),
-- records counts the records, denied the calls that failed. Rebuilt by correlate on every run.
create table if not exists copy_evidence_hourly (
  copy_id varchar not null,
  hour timestamptz not null,            -- the hour the calls fell in, truncated (UTC)
  side varchar not null,                -- source | target
  event_name varchar not null,          -- Decrypt | GenerateDataKey | Encrypt
  region varchar,
  events integer not null,
  denied integer not null,
  records integer not null,
  first_event_id varchar not null,      -- the hour's first and last record, to find the rest
  last_event_id varchar not null
);
