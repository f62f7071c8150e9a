-- Records the objects a run could not fetch; a location that failed before counts one more failing
-- run and is open again. params: $source, $failures (JSON: [{location, size, etag, account, region,
-- day, attempts, error}]). output: none.
insert into fetch_failures (
  source, location, size, etag, path_account_id, path_region, path_date, attempts, error
)
with failed as (
  select unnest(
    from_json(
      $failures::json,
      '[{"location":"VARCHAR","size":"BIGINT","etag":"VARCHAR","account":"VARCHAR","region":"VARCHAR","day":"VARCHAR","attempts":"INTEGER","error":"VARCHAR"}]'
    ),
    recursive := true
  )
)
select
  $source,
  location,
  size,
  etag,
  account,
  region,
  try_cast(day as date),
  attempts,
  error
from failed
on conflict do update set
  size = excluded.size,
  etag = excluded.etag,
  attempts = excluded.attempts,
  error = excluded.error,
  failures = fetch_failures.failures + 1,
  last_failed_at = now(),
  resolved_at = null
