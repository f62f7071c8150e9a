-- Records what the batch covered: events per account x region x UTC day, by source.
-- params: $source. output: none.
insert into ingest_coverage (source, account_id, region, window_start, window_end, files, events)
select
  $source,
  coalesce(recipient_account_id, 'unknown'),
  coalesce(aws_region, 'unknown'),
  date_trunc('day', event_time),
  date_trunc('day', event_time) + interval 1 day,
  count(distinct file_id),
  count(*)
from stage_new
group by all
on conflict do update set
  files = ingest_coverage.files + excluded.files,
  events = ingest_coverage.events + excluded.events
