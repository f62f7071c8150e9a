-- Opens the store's database file in an instance started in memory; store/use_store.sql then makes
-- it the database every statement of the connection names. ATTACH is the one way DuckDB takes a row
-- group size, and it holds for as long as the file is open, for the row groups written then.
-- 30,720 rows a row group instead of DuckDB's 122,880: an insert builds one row group a thread,
-- uncompressed, before it writes it, and a row group of events (JSON columns of about 1.3 KB a
-- record) is 40 MB at this size, 160 MB at DuckDB's, past the ingest's memory limit with two threads
-- (BENCHMARKS.md, "row groups of 30,720 rows"). A file opened without this option reads the same.
-- slots: {{file}} (the database file's absolute path, a literal). output: none.
attach {{file}} as store (row_group_size 30720)
