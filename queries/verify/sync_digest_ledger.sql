-- Copies each digest's status to its ledger row, so ingested_files alone tells every file's state.
-- params: none. output: none.
update ingested_files f
set
  digest_status = d.status,
  digest_reason = d.status_reason
from digests d
where f.file_id = d.file_id
