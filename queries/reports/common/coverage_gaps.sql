-- Gaps inside the report window: for each account and region that has any coverage, the days with
-- no readable unit, plus every unit that failed or was skipped. params: $since, $until (ISO text
-- or null). output: account_id, region, day, reason.
with bounds as (
  select
    date_trunc('day', coalesce($since::timestamptz, min(window_start))) as lo,
    coalesce($until::timestamptz, max(window_end)) as hi
  from ingest_coverage
),
cells as (
  select distinct account_id, region from ingest_coverage
),
days as (
  select c.account_id, c.region, d.day
  from cells c
  cross join bounds b
  cross join lateral (
    select unnest(generate_series(b.lo, b.hi - interval 1 second, interval 1 day)) as day
  ) d
  where b.lo is not null and b.hi > b.lo
),
missing as (
  select d.account_id, d.region, d.day, 'nothing ingested' as reason
  from days d
  where not exists (
    select 1
    from ingest_coverage u
    where u.account_id = d.account_id
      and u.region = d.region
      and u.error is null
      and u.skipped is null
      and u.window_start < d.day + interval 1 day
      and u.window_end > d.day
  )
),
failed as (
  select
    u.account_id, u.region, date_trunc('day', u.window_start) as day,
    coalesce('error: ' || u.error, 'skipped: ' || u.skipped) as reason
  from ingest_coverage u
  cross join bounds b
  where (u.error is not null or u.skipped is not null)
    and u.window_end > b.lo
    and u.window_start < b.hi
)
select account_id, region, strftime(day::timestamp, '%Y-%m-%d') as day, reason
from (select * from missing union all select * from failed)
order by account_id, region, day, reason
limit 500
