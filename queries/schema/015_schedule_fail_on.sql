-- A schedule's --fail-on, recorded per run: the level the schedule's config names (fail | unknown,
-- null when it names none) and how many findings of the run's reports were at or above it. A run
-- with fail_on_findings > 0 reached its threshold: `schedule once` exits 3 for it.
alter table schedule_runs add column if not exists fail_on varchar;
alter table schedule_runs add column if not exists fail_on_findings integer;
