-- Content already loaded under any name: a copy of a loaded file is not read twice. In order, as
-- ingest/known-files.ts holds them.
-- params: none. output: sha256.
select distinct sha256
from ingested_files
where status = 'loaded'
  and sha256 is not null
order by sha256
