-- What the store holds: its event time span and the newest coverage, to date an "as of" when the
-- caller gives no --until. params: none. output: first_event, last_event, events, coverage_end.
select
  strftime(min(event_time)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as first_event,
  strftime(max(event_time)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as last_event,
  count(*) as events,
  (select strftime(max(window_end)::timestamp, '%Y-%m-%dT%H:%M:%SZ') from ingest_coverage where error is null)
    as coverage_end
from events
