-- Digest validation status of the ingested log files (verify). params: none.
-- output: digest_status, files.
select digest_status, count(*) as files
from ingested_files
where kind = 'log'
group by digest_status
order by digest_status
