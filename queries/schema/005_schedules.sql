-- Scheduled runs: one row per run (or skipped tick), and one cursor per schedule x source, which
-- advances only when that source was read without error.
create sequence if not exists schedule_run_seq start 1;

create table if not exists schedule_runs (
  run_id bigint primary key default nextval('schedule_run_seq'),
  schedule varchar not null,
  trigger varchar not null,            -- cron | once | lambda
  scheduled_for timestamptz,           -- the cron time this run is for
  period_start timestamptz,
  period_end timestamptz,
  started_at timestamptz not null,
  finished_at timestamptz,
  status varchar not null,             -- running | succeeded | partial | failed | interrupted | skipped | abandoned
  sources json,                        -- per source: what it read, or its error
  outputs json,                        -- delivered locations
  manifest_sha256 varchar,
  error varchar,
  pid integer
);

create table if not exists schedule_cursors (
  schedule varchar not null,
  source_key varchar not null,         -- the source's identity: type and where it reads
  read_until timestamptz not null,     -- the end of the last window read without error
  updated_at timestamptz not null,
  run_id bigint,
  primary key (schedule, source_key)
);
