-- Sets how many threads DuckDB runs a statement on. params: $value (a count, as text). output: none.
set threads = $value
