-- Every fetch unit that could be read, for judging whether a given account, region and interval
-- was covered (DR requirements: no coverage means unknown, never pass). params: none.
-- output: account_id, region, window_start, window_end (ISO text).
select
  account_id,
  region,
  strftime(window_start::timestamp, '%Y-%m-%dT%H:%M:%SZ') as window_start,
  strftime(window_end::timestamp, '%Y-%m-%dT%H:%M:%SZ') as window_end
from ingest_coverage
where error is null
  and skipped is null
order by account_id, region, window_start
