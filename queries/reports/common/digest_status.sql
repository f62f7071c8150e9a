-- Digest status of the ingested log files (verify), trail files apart from API pages, which no digest
-- covers. params: none. output: digest_status, api_page, files.
select
  digest_status,
  source in ('lookup', 'athena', 'lake') as api_page,
  count(*) as files
from ingested_files
where kind = 'log'
group by digest_status, api_page
order by digest_status, api_page
