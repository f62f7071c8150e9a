-- Counts, for each listed S3 day folder, the new events its files held (coverage is by folder:
-- what was read, not when the events happened). params: none. output: none.
update ingest_coverage c
set events = f.events
from (
  select
    path_account_id,
    path_region,
    path_date,
    sum(coalesce(event_count, 0)) as events
  from ingested_files
  where source = 's3'
    and kind = 'log'
  group by all
) f
where c.source = 's3'
  and c.account_id = f.path_account_id
  and c.region = f.path_region
  and c.window_start = f.path_date::timestamptz
