-- A rejected file in an S3 layout leaves a hole in that account x region x day: say so.
-- params: $source, $lo, $hi (file_id range of the batch). output: none.
insert into ingest_coverage (source, account_id, region, window_start, window_end, files, events, error)
select
  $source,
  path_account_id,
  path_region,
  path_date::timestamptz,
  path_date::timestamptz + interval 1 day,
  0,
  0,
  string_agg(location || ': ' || error, '; ')
from ingested_files
where file_id between $lo and $hi
  and status = 'rejected'
  and path_account_id is not null
  and path_region is not null
  and path_date is not null
group by all
on conflict do update set
  error = coalesce(ingest_coverage.error || '; ', '') || excluded.error
