-- Sets DuckDB's memory limit for this instance; past it DuckDB spills to its temp folder.
-- params: $value (e.g. '512MB'). output: none.
set memory_limit = $value
