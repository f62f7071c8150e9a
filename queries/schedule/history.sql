-- Past runs, newest first, optionally of one schedule.
select run_id,
       schedule,
       trigger,
       status,
       strftime(scheduled_for::timestamp, '%Y-%m-%dT%H:%M:%SZ') as scheduled_for,
       strftime(started_at::timestamp, '%Y-%m-%dT%H:%M:%SZ') as started_at,
       strftime(finished_at::timestamp, '%Y-%m-%dT%H:%M:%SZ') as finished_at,
       strftime(period_start::timestamp, '%Y-%m-%dT%H:%M:%SZ') as period_start,
       strftime(period_end::timestamp, '%Y-%m-%dT%H:%M:%SZ') as period_end,
       sources::varchar as sources,
       outputs::varchar as outputs,
       manifest_sha256,
       error,
       fail_on,
       fail_on_findings
from schedule_runs
where $schedule is null or schedule = $schedule
order by run_id desc
limit $limit::integer;
