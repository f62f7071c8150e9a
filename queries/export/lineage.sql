-- Lineage for export: one row per copy with the lineage record's fields (source_* and target_*
-- flattened) and its evidence as a JSON array of the lineage JSON's evidence objects. params: none.
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
)
select
  c.copy_id, c.kind, c.api, c.mechanism, c.status, c.error_code,
  c.requested_at,
  c.request_event_id, c.principal_arn,
  c.source_id, c.source_arn, c.source_region, c.source_account, c.source_key_arn,
  c.target_id, c.target_arn, c.target_region, c.target_account, c.target_key_arn,
  c.key_change, c.parent_copy_id,
  coalesce(ev.evidence_count, 0)::integer as evidence_count,
  coalesce(ev.evidence, '[]') as evidence
from copies c
left join ev on ev.copy_id = c.copy_id
order by c.requested_at, c.copy_id
