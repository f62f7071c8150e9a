-- DuckDB's thread count now, to put back after a batch loaded on one thread. params: none.
-- output: value.
select current_setting('threads')::varchar as value
