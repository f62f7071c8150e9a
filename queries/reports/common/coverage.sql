-- The coverage banner: what was actually ingested, per account and region, overlapping the report
-- window. params: $since, $until (ISO text, or null for open). output: account_id, region,
-- sources, window_start, window_end, units, events, errors, skipped, truncated.
select
  account_id,
  region,
  string_agg(distinct source, ', ' order by source) as sources,
  strftime(min(window_start)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as window_start,
  strftime(max(window_end)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as window_end,
  count(*) as units,
  coalesce(sum(events), 0) as events,
  count(error) as errors,
  count(skipped) as skipped,
  count(*) filter (where truncated) as truncated
from ingest_coverage
where ($since::timestamptz is null or window_end > $since::timestamptz)
  and ($until::timestamptz is null or window_start < $until::timestamptz)
group by account_id, region
order by account_id, region
