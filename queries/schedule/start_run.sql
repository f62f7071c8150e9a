-- Opens a run's history row as running; finish_run closes it.
insert into schedule_runs (schedule, trigger, scheduled_for, period_start, period_end, started_at, status, pid)
values ($schedule, $trigger, $scheduled_for::timestamptz, $period_start::timestamptz, $period_end::timestamptz,
        $started_at::timestamptz, 'running', $pid)
returning run_id;
