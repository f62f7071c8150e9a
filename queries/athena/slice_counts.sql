-- DuckDB, over cloudtrail_local (athena/local_table.sql): every record and the slice the pushed-down
-- filter selects, counted and measured per event source. {{filter}} is the text of
-- athena/lineage_filter.sql itself, with its parameters bound as athenaFilter builds them.
-- Output: event_source, records, bytes, slice_records, slice_bytes.
select
  eventsource as event_source,
  count(*) as records,
  sum(bytes) as bytes,
  count(*) filter (where in_slice) as slice_records,
  coalesce(sum(bytes) filter (where in_slice), 0) as slice_bytes
from (
  select
    eventsource,
    bytes,
    coalesce(({{filter}}), false) as in_slice
  from cloudtrail_local
)
group by all
order by records desc
