-- Lineage for export: one row per copy with the lineage record's fields (source_* and target_*
-- flattened) and its evidence as a JSON array of the lineage JSON's evidence objects. An S3
-- replication edge adds when it ended, its role, and its hourly evidence rolled up per side and
-- KMS operation (replication_calls, JSON; null for other copies). params: none.
with ev as (
  select
    v.copy_id,
    count(*)::integer as evidence_count,
    to_json(list({
      'event_id': v.event_id,
      'event_name': e.event_name,
      'side': v.side,
      'region': e.aws_region,
      'account': e.recipient_account_id,
      'key_arn': coalesce(k.dest_key_arn, k.key_arn),
      'match': v.match
    } order by e.event_time, v.event_id))::varchar as evidence
  from copy_evidence v
  join events e on e.event_id = v.event_id
  left join kms_context k on k.event_id = v.event_id
  group by v.copy_id
),
calls as (
  select
    copy_id,
    to_json(list({
      'side': side,
      'event_name': event_name,
      'events': events,
      'denied': denied,
      'records': records,
      'hours': hours,
      'first_hour': first_hour,
      'last_hour': last_hour
    } order by side, event_name))::varchar as replication_calls
  from (
    select
      copy_id, side, event_name,
      sum(events)::bigint as events,
      sum(denied)::bigint as denied,
      sum(records)::bigint as records,
      count(*)::bigint as hours,
      strftime(min(hour), '%Y-%m-%dT%H:%M:%SZ') as first_hour,
      strftime(max(hour), '%Y-%m-%dT%H:%M:%SZ') as last_hour
    from copy_evidence_hourly
    group by copy_id, side, event_name
  )
  group by copy_id
)
select
  c.copy_id, c.kind, c.api, c.mechanism, c.status, c.error_code,
  c.requested_at,
  c.request_event_id, c.principal_arn,
  c.source_id, c.source_arn, c.source_region, c.source_account, c.source_key_arn,
  c.target_id, c.target_arn, c.target_region, c.target_account, c.target_key_arn,
  c.key_change, c.parent_copy_id,
  coalesce(ev.evidence_count, 0)::integer as evidence_count,
  coalesce(ev.evidence, '[]') as evidence,
  c.ended_at,
  c.replication_role,
  case when c.kind = 's3_replication' then coalesce(k.replication_calls, '[]') end as replication_calls
from copies c
left join ev on ev.copy_id = c.copy_id
left join calls k on k.copy_id = c.copy_id
order by c.requested_at, c.copy_id
