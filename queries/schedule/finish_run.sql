-- Closes a run: its status, what each source read, where the files went, and any error.
update schedule_runs
set finished_at = $finished_at::timestamptz,
    status = $status,
    sources = $sources::json,
    outputs = $outputs::json,
    manifest_sha256 = $manifest_sha256,
    error = $error
where run_id = $run_id;
