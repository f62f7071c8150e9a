-- DuckDB's vacuum task limit now, to put back after an ingest. params: none. output: value.
select current_setting('max_vacuum_tasks')::varchar as value
