-- Moves a source's cursor after a window was read without error.
insert or replace into schedule_cursors (schedule, source_key, read_until, updated_at, run_id)
values ($schedule, $source_key, $read_until::timestamptz, $updated_at::timestamptz, $run_id);
