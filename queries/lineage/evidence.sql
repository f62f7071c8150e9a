-- Every evidence row with the event's name, region, account and key, and how far it vouches for
-- the copy: certain (a context, request id, shared event, service event or, for a configuration,
-- the call that switched it off ties it to this copy alone), ambiguous (it fits several copies and is attached to each), weak (same key, region and
-- minutes, for a record that names no resource). params: none.
-- output: copy_id, event_id, event_name, side, region, account, key_arn, match, certainty, event_time.
select
  v.copy_id,
  v.event_id,
  e.event_name,
  v.side,
  e.aws_region as region,
  e.recipient_account_id as account,
  coalesce(k.dest_key_arn, k.key_arn) as key_arn,
  v.match,
  case v.match
    when 'source_context_ambiguous' then 'ambiguous'
    when 'encryption_context_ambiguous' then 'ambiguous'
    when 'key_time_window' then 'weak'
    else 'certain'
  end as certainty,
  strftime(e.event_time, '%Y-%m-%dT%H:%M:%SZ') as event_time
from copy_evidence v
join events e on e.event_id = v.event_id
left join kms_context k on k.event_id = v.event_id
order by v.copy_id, e.event_time, v.event_id
