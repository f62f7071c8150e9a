-- Every event related to the subject in the window: the copy requests and their evidence (for a
-- replication, the first and last call of each hour), the
-- creation of each artifact involved, share calls on them, and (for a principal, key or account
-- subject) that actor's copy-relevant and KMS calls; and every share the report lists for the subject
-- (a share to an account subject whose artifact no copy in our trails touched, such as an RDS
-- snapshot shared out, is still in the timeline). params: $copy_ids (JSON array text), $artifact_ids
-- (JSON array text), $share_ids (JSON array text: the shares' event ids), $subject (text), $since,
-- $until (ISO text or null), $limit (integer). output: one row per event.
with related as (
  select request_event_id as event_id, 'copy request' as why from copies where list_contains(from_json($copy_ids, '["VARCHAR"]'), copy_id)
  union all
  select event_id, 'evidence: ' || match from copy_evidence where list_contains(from_json($copy_ids, '["VARCHAR"]'), copy_id)
  union all
  -- a replication moves one KMS call per object: the first and last of each hour stand for the rest
  select first_event_id, 'replication evidence: first call of the hour' from copy_evidence_hourly where list_contains(from_json($copy_ids, '["VARCHAR"]'), copy_id)
  union all
  select last_event_id, 'replication evidence: last call of the hour' from copy_evidence_hourly where list_contains(from_json($copy_ids, '["VARCHAR"]'), copy_id)
  union all
  select created_event_id, 'artifact created' from artifacts where list_contains(from_json($artifact_ids, '["VARCHAR"]'), artifact_id)
  union all
  select event_id, 'share ' || action from shares where list_contains(from_json($artifact_ids, '["VARCHAR"]'), artifact_id)
  union all
  select event_id, 'share ' || action from shares where list_contains(from_json($share_ids, '["VARCHAR"]'), event_id)
  union all
  select event_id, 'subject activity'
  from events
  where ($subject = actor_arn or $subject = session_issuer_arn or $subject = actor_account_id)
    and (event_source in ('kms.amazonaws.com', 'ec2.amazonaws.com', 'rds.amazonaws.com', 'backup.amazonaws.com')
         and (read_only is distinct from true))
    and ($since::timestamptz is null or event_time >= $since::timestamptz)
    and ($until::timestamptz is null or event_time < $until::timestamptz)
  union all
  select event_id, 'key use' from kms_context where $subject = key_arn
    and ($since::timestamptz is null or event_time >= $since::timestamptz)
    and ($until::timestamptz is null or event_time < $until::timestamptz)
),
why as (
  select event_id, string_agg(distinct why, '; ' order by why) as why from related where event_id is not null group by event_id
)
select
  e.event_id,
  strftime(e.event_time::timestamp, '%Y-%m-%dT%H:%M:%SZ') as event_time,
  e.event_source,
  e.event_name,
  e.aws_region,
  e.recipient_account_id,
  coalesce(e.actor_arn, e.invoked_by, e.actor_type) as actor,
  e.source_ip,
  e.user_agent,
  e.error_code,
  w.why
from why w
join events e on e.event_id = w.event_id
order by e.event_time, e.event_id
limit $limit::integer
