-- Share grants and revocations in the report window. params: $since, $until (ISO text or null).
-- output: artifact_id, artifact_kind, region, from_account, to_account, action, event_time, event_id, actor_arn,
-- recipient_class (account | public | aws_backup_airgap).
select
  s.artifact_id,
  s.artifact_kind,
  s.region,
  s.from_account,
  s.to_account,
  s.action,
  strftime(s.event_time::timestamp, '%Y-%m-%dT%H:%M:%SZ') as event_time,
  s.event_id,
  e.actor_arn,
  s.recipient_class
from shares s
left join events e on e.event_id = s.event_id
where ($since::timestamptz is null or s.event_time >= $since::timestamptz)
  and ($until::timestamptz is null or s.event_time < $until::timestamptz)
order by s.event_time, s.event_id, s.to_account
