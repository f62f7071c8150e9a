-- One listed day folder of a remote source: how many files it held, or why it could not be read.
-- params: $source, $account, $region, $day (YYYY-MM-DD), $files, $error. output: none.
insert into ingest_coverage (source, account_id, region, window_start, window_end, files, events, error)
values (
  $source,
  $account,
  $region,
  $day::date::timestamptz,
  $day::date::timestamptz + interval 1 day,
  $files,
  0,
  $error
)
on conflict do update set
  files = excluded.files,
  error = excluded.error
