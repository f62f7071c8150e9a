-- Closes a run: its status, what each source read, where the files went, any error, and the
-- schedule's fail_on level with the number of report findings at or above it.
update schedule_runs
set finished_at = $finished_at::timestamptz,
    status = $status,
    sources = $sources::json,
    outputs = $outputs::json,
    manifest_sha256 = $manifest_sha256,
    error = $error,
    fail_on = $fail_on,
    fail_on_findings = $fail_on_findings::integer
where run_id = $run_id;
