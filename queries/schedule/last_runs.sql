-- Per schedule: its newest run (with the findings at its fail_on level) and its newest successful one.
select schedule,
       arg_max(status, run_id) as last_status,
       arg_max(coalesce(fail_on_findings, 0), run_id) as last_fail_on_findings,
       strftime(max(started_at)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as last_started,
       strftime(max(finished_at) filter (where status in ('succeeded', 'partial'))::timestamp,
                '%Y-%m-%dT%H:%M:%SZ') as last_success,
       count(*) as runs
from schedule_runs
group by schedule;
