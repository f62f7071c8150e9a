-- The copies of a lineage, with their fields as the lineage record names them (DESIGN §4): the
-- copies that name the subject (as copy id, or as source or target id or ARN), every copy on their
-- stored chains up to the root, and every copy whose stored chain passes through one of them.
-- params: $ref (the subject as given; null for every copy), $id (the id it names: an ARN's last
-- segment, else $ref). output: the copies columns, requested_at and completed_at as ISO-8601 UTC
-- text, and the keys associated with each copy's target (schema/013_associated_keys.sql).
with start as (
  select
    copy_id,
    chain
  from copies
  where $ref::varchar in (copy_id, source_arn, target_arn)
    or $id::varchar in (source_id, target_id)
),
connected as (
  select unnest(chain) as copy_id
  from start
  union
  select c.copy_id
  from copies c
  where list_has_any(c.chain, (select list(copy_id) from start))
)
select
  copy_id, kind, api, mechanism, status, error_code,
  strftime(requested_at, '%Y-%m-%dT%H:%M:%SZ') as requested_at,
  request_event_id, principal_arn,
  source_id, source_arn, source_region, source_account, source_key_arn,
  target_id, target_arn, target_region, target_account, target_key_arn,
  key_change, parent_copy_id, kms_unattributed, engine,
  strftime(completed_at, '%Y-%m-%dT%H:%M:%SZ') as completed_at,
  coalesce(associated_key_arns, []::varchar[]) as associated_key_arns
from copies
where $ref::varchar is null
  or copy_id in (select copy_id from connected)
order by requested_at, copy_id
