-- KMS keys seen, with where and how often they were used in the window (denied calls are no use). params: $since, $until.
-- output: key_arn, region, account_id, key_id, mrk, aws_managed, aliases, uses, first_used, last_used.
select
  k.key_arn,
  k.region,
  k.account_id,
  k.key_id,
  coalesce(k.mrk, false) as mrk,
  k.aws_managed,
  coalesce(k.aliases, []::varchar[]) as aliases,
  count(x.event_id) as uses,
  strftime(min(x.event_time)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as first_used,
  strftime(max(x.event_time)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as last_used
from kms_keys k
left join kms_context x
  on x.key_arn = k.key_arn
 and x.error_code is null
 and ($since::timestamptz is null or x.event_time >= $since::timestamptz)
 and ($until::timestamptz is null or x.event_time < $until::timestamptz)
group by all
order by k.region, k.key_arn
