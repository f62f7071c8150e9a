-- The keys associated with each artifact at the end of the window (AssociateKmsKeyId and not since
-- disassociated; schema/013_associated_keys.sql): each is a second way to the artifact's data, so
-- its region is a place the data can be opened from. A key the records name only by an unresolved
-- alias has no ARN and so no region. params: $until (ISO text or null).
-- output: artifact_id, artifact_kind, region, account_id, key, key_arn, key_region, associated_at, event_id.
with latest as (
  select
    artifact_id,
    region,
    account_id,
    coalesce(key_arn, key_ref) as key,
    key_arn,
    action,
    event_time,
    event_id
  from artifact_keys
  where $until::timestamptz is null or event_time < $until::timestamptz
  qualify row_number() over (
    partition by artifact_id, region, coalesce(key_arn, key_ref) order by event_time desc, event_id desc
  ) = 1
)
select
  l.artifact_id,
  coalesce(a.kind, 'ebs_snapshot') as artifact_kind,
  l.region,
  l.account_id,
  l.key,
  l.key_arn,
  nullif(split_part(l.key_arn, ':', 4), '') as key_region,
  strftime(l.event_time::timestamp, '%Y-%m-%dT%H:%M:%SZ') as associated_at,
  l.event_id
from latest l
left join artifacts a on a.artifact_id = l.artifact_id and a.region = l.region
where l.action = 'associated'
order by l.region, l.artifact_id, l.key
