-- Every key association and disassociation on a snapshot (EC2 AssociateKmsKeyId /
-- DisassociateKmsKeyId). Shape inferred from the EC2 API reference (request SnapshotId and KmsKeyId,
-- the key as an id, alias, ARN or alias ARN; response {requestId, _return}) and EC2's CloudTrail
-- conventions (requestParameters.snapshotId, requestParameters.kmsKeyId); no real record seen. The
-- call lands in the snapshot's region and owner's account. A key named by id is in that region and
-- account; an alias is resolved only when the KMS records taught it for exactly one key there.
-- Runs after rebuild_kms_keys. params: none. output: none.
insert into artifact_keys (artifact_id, region, account_id, key_ref, key_arn, action, event_time, event_id)
with calls as (
  select
    event_id,
    event_time,
    aws_region,
    recipient_account_id,
    request_parameters ->> 'snapshotId' as artifact_id,
    request_parameters ->> 'kmsKeyId' as key_ref,
    coalesce(json_type(request_parameters -> 'kmsKeyId') = 'VARCHAR', false) as key_is_text,
    case event_name when 'AssociateKmsKeyId' then 'associated' else 'disassociated' end as action
  from events
  where event_source = 'ec2.amazonaws.com'
    and event_name in ('AssociateKmsKeyId', 'DisassociateKmsKeyId')
    and error_code is null
),
by_alias as (
  select c.event_id, min(k.key_arn) as key_arn
  from calls c
  join kms_keys k
    on k.region = coalesce(nullif(split_part(c.key_ref, ':', 4), ''), c.aws_region)
   and list_contains(k.aliases, regexp_extract(c.key_ref, '(alias/.+)$', 1))
  where regexp_matches(c.key_ref, '(^|:)alias/')
  group by c.event_id
  having count(*) = 1
)
select
  c.artifact_id,
  c.aws_region,
  c.recipient_account_id,
  c.key_ref,
  case
    when regexp_matches(c.key_ref, '^arn:[^:]+:kms:[^:]+:[0-9]{12}:key/[A-Za-z0-9-]+$') then c.key_ref
    when regexp_matches(c.key_ref, '^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')
      then 'arn:aws:kms:' || c.aws_region || ':' || c.recipient_account_id || ':key/' || c.key_ref
    else a.key_arn
  end,
  c.action,
  c.event_time,
  c.event_id
from calls c
left join by_alias a on a.event_id = c.event_id
-- a snapshot id and a key named by text; anything else (an object, a number) names neither
where regexp_matches(c.artifact_id, '^snap-[0-9A-Za-z]+$')
  and c.key_is_text
  and c.key_ref <> ''
