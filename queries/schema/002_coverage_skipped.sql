-- A fetch unit that was deliberately not read (a region not enabled for the account) is neither
-- an error nor a pass: record why it was skipped.
alter table ingest_coverage add column if not exists skipped varchar;
