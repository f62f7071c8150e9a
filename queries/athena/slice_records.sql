-- DuckDB, over cloudtrail_local (athena/local_table.sql): the records the pushed-down filter selects,
-- each with the file it came from, to be written back as trail files. {{filter}} is the text of
-- athena/lineage_filter.sql itself, with its parameters bound as athenaFilter builds them.
-- Output: file, record (JSON text).
select
  file,
  record::varchar as record
from cloudtrail_local
where {{filter}}
order by file
