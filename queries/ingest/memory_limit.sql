-- DuckDB's memory limit now, to put back after an ingest. params: none. output: value.
select current_setting('memory_limit') as value
