-- One LookupEvents unit (account x region over the requested window): events read, whether it
-- stopped early, the error if it failed, or why it was skipped.
-- params: $account, $region, $since, $until, $pages, $events, $truncated, $error, $skipped. output: none.
insert into ingest_coverage (source, account_id, region, window_start, window_end, files, events, truncated, error, skipped)
values ('lookup', $account, $region, $since::timestamptz, $until::timestamptz, $pages, $events, $truncated, $error, $skipped)
on conflict do update set
  window_end = excluded.window_end,
  files = excluded.files,
  events = excluded.events,
  truncated = excluded.truncated,
  error = excluded.error,
  skipped = excluded.skipped
