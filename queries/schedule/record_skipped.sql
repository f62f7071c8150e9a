-- A tick that did not run because the schedule's previous run was still going.
insert into schedule_runs (schedule, trigger, scheduled_for, started_at, finished_at, status, error, pid)
values ($schedule, $trigger, $scheduled_for::timestamptz, $at::timestamptz, $at::timestamptz, 'skipped', $reason, $pid);
