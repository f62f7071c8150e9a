-- One row per listed day folder of a remote source: how many objects it held and, when anything in
-- it is missing, why: the listing failed, objects could not be fetched or are still to fetch (passed
-- in), or files in it were rejected (read from the ledger, so they stay named on every later run).
-- A folder with nothing missing gets a null error: a fault is cleared only by the run that heals it.
-- params: $source, $units (JSON: [{account, region, day, files, error}], one per folder).
-- output: none.
insert into ingest_coverage (source, account_id, region, window_start, window_end, files, events, error)
with folders as (
  select unnest(
    from_json(
      $units::json,
      '[{"account":"VARCHAR","region":"VARCHAR","day":"VARCHAR","files":"BIGINT","error":"VARCHAR"}]'
    ),
    recursive := true
  )
),
newest as (
  select
    location,
    path_account_id,
    path_region,
    path_date,
    status,
    error,
    row_number() over (partition by location order by file_id desc) as age
  from ingested_files
  where source = $source
    and kind = 'log'
),
rejected as (
  select
    path_account_id,
    path_region,
    path_date,
    string_agg(location || ': ' || coalesce(error, 'rejected'), '; ' order by location) as errors
  from newest
  where age = 1
    and status = 'rejected'
  group by all
)
select
  $source,
  f.account,
  f.region,
  f.day::date::timestamptz,
  f.day::date::timestamptz + interval 1 day,
  f.files,
  0,
  nullif(concat_ws('; ', f.error, r.errors), '')
from folders f
left join rejected r
  on r.path_account_id = f.account
  and r.path_region = f.region
  and r.path_date = f.day::date
on conflict do update set
  files = excluded.files,
  error = excluded.error
