-- Artifact locations per region up to the end of the window, for residency's table by region:
-- how many artifacts each region holds and the accounts that hold them (counted here, not read a
-- row each: most artifacts are copies, judged from the copies). params: $until (ISO text or null).
-- output: region, artifacts, accounts (the distinct non-empty account ids, unordered).
select
  region,
  count(*)::bigint as artifacts,
  coalesce(list(distinct account_id) filter (where account_id <> ''), []::varchar[]) as accounts
from artifacts
where region is not null
  and region <> ''
  and ($until::timestamptz is null or created_at < $until::timestamptz)
group by region
order by region
