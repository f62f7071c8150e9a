-- verify is fail-closed from this version: log files are valid | tampered | unverified, digests
-- valid | invalid | unverified, and 'unchecked' means verify has not run. Earlier verdicts could call
-- a file valid on the word of an unsigned or untrusted digest, so none of them is kept.
update ingested_files
set digest_status = 'unchecked', digest_reason = null
where digest_status <> 'unchecked';

update digests
set status = 'unchecked', status_reason = null
where status <> 'unchecked';
