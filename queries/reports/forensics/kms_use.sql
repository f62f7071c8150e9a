-- KMS use per key, region and call for the events in the subject's timeline and the keys its
-- copies used. params: $event_ids (JSON array text), $key_arns (JSON array text), $since, $until (ISO text or null).
-- output: key_arn, region, event_name, calls, accounts, first_at, last_at.
select
  coalesce(k.key_arn, k.key_ref) as key_arn,
  k.region,
  k.event_name,
  count(*) as calls,
  string_agg(distinct k.recipient_account_id, ', ' order by k.recipient_account_id) as accounts,
  strftime(min(k.event_time)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as first_at,
  strftime(max(k.event_time)::timestamp, '%Y-%m-%dT%H:%M:%SZ') as last_at
from kms_context k
where (list_contains(from_json($event_ids, '["VARCHAR"]'), k.event_id) or list_contains(from_json($key_arns, '["VARCHAR"]'), k.key_arn))
  and ($since::timestamptz is null or k.event_time >= $since::timestamptz)
  and ($until::timestamptz is null or k.event_time < $until::timestamptz)
group by all
order by 1, 2, 3
