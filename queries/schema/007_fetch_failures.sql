-- A remote object that was listed but could not be fetched whole after every retry (cut short,
-- corrupt, hung, throttled, denied). It is not a file in the ledger, so the next run fetches it
-- again; the row stays as the record of the failure, and resolved_at says when a later run loaded it.
create table if not exists fetch_failures (
  source varchar not null,
  location varchar not null,            -- s3://bucket/key
  size bigint,                          -- as listed
  etag varchar,                         -- as listed
  path_account_id varchar,
  path_region varchar,
  path_date date,
  attempts integer not null,            -- tries in the last run that failed it
  error varchar not null,               -- the last failure
  failures integer not null default 1,  -- runs that failed it
  first_failed_at timestamptz not null default current_timestamp,
  last_failed_at timestamptz not null default current_timestamp,
  resolved_at timestamptz,              -- when a later run loaded it; null while it is missing
  primary key (source, location)
);
