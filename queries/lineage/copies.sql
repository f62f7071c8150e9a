-- Every copy with its fields as the lineage record names them (DESIGN §4). params: none.
-- output: the copies columns, requested_at as ISO-8601 UTC text.
select
  copy_id, kind, api, mechanism, status, error_code,
  strftime(requested_at, '%Y-%m-%dT%H:%M:%SZ') as requested_at,
  request_event_id, principal_arn,
  source_id, source_arn, source_region, source_account, source_key_arn,
  target_id, target_arn, target_region, target_account, target_key_arn,
  key_change, parent_copy_id
from copies
order by requested_at, copy_id
