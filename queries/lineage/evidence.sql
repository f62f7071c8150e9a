-- Every evidence row with the event's name, region, account and key. params: none.
-- output: copy_id, event_id, event_name, side, region, account, key_arn, match, event_time.
select
  v.copy_id,
  v.event_id,
  e.event_name,
  v.side,
  e.aws_region as region,
  e.recipient_account_id as account,
  coalesce(k.dest_key_arn, k.key_arn) as key_arn,
  v.match,
  strftime(e.event_time, '%Y-%m-%dT%H:%M:%SZ') as event_time
from copy_evidence v
join events e on e.event_id = v.event_id
left join kms_context k on k.event_id = v.event_id
order by v.copy_id, e.event_time, v.event_id
