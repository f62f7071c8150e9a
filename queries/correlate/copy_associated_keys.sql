-- Each copy's associated keys (schema/013_associated_keys.sql): the keys associated with its target
-- (same snapshot id, same region) whose latest association call is an association, each as its ARN,
-- or as the caller named it when no record resolves it; sorted. Runs after insert_copies.
-- params: none. output: none.
update copies
set associated_key_arns = held.keys
from (
  select artifact_id, region, list(key order by key) as keys
  from (
    select artifact_id, region, coalesce(key_arn, key_ref) as key, action
    from artifact_keys
    qualify row_number() over (
      partition by artifact_id, region, coalesce(key_arn, key_ref) order by event_time desc, event_id desc
    ) = 1
  )
  where action = 'associated'
  group by artifact_id, region
) held
where copies.target_id = held.artifact_id
  and copies.target_region = held.region
