-- Sets how many row-group vacuum tasks a checkpoint may run; 0 keeps every row group as written.
-- params: $value (a count, as text). output: none.
set max_vacuum_tasks = $value
