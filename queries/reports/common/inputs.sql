-- The evidence manifest's inputs: every file the store was built from, with its hash and digest
-- status, in one total order over every column it returns (so the same ledger gives the same
-- Merkle root, whatever order the files were ingested in). params: none.
-- output: location, source, kind, sha256, size, status, digest_status.
select location, source, kind, sha256, size, status, digest_status
from ingested_files
order by location, source, kind, sha256, size, status, digest_status
