-- A run still marked running when a store is opened for a new run was cut off (killed, power
-- loss): the database holds only what its committed batches wrote.
update schedule_runs
set status = 'abandoned',
    finished_at = $at::timestamptz,
    error = coalesce(error, 'the process ended before the run finished (killed or crashed)')
where status = 'running'
returning run_id, schedule;
