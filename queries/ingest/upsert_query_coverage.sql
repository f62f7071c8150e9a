-- One account x region a pushed-down query (Athena, CloudTrail Lake) covered over its window: the
-- events it returned, or the error that stopped it.
-- params: $source, $account, $region, $since, $until, $events, $error. output: none.
insert into ingest_coverage (source, account_id, region, window_start, window_end, files, events, truncated, error)
values ($source, $account, $region, $since::timestamptz, $until::timestamptz, 0, $events, false, $error)
on conflict do update set
  window_end = excluded.window_end,
  events = excluded.events,
  error = excluded.error
