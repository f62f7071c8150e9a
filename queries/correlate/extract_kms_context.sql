-- Extracts the join keys of KMS events loaded since the last run (file_id above the watermark).
-- Only the operations a copy causes count ($operations, a JSON array: core/events.ts
-- KMS_CONTEXT_EVENTS); DescribeKey and other context-free calls are never evidence. A failed call is
-- kept only when it names an S3 object or bucket (aws:s3:arn): a replication role denied by a key
-- policy is how a replication fails silently; error_code tells it from a use of the key.
-- params: $watermark, $operations. output: none.
insert into kms_context
with k as (
  select
    e.*,
    e.request_parameters as rp
  from events e
  where e.event_source = 'kms.amazonaws.com'
    and list_contains(from_json($operations, '["VARCHAR"]'), e.event_name)
    and (e.error_code is null or (e.request_parameters -> 'encryptionContext' ->> 'aws:s3:arn') is not null)
    and e.file_id > $watermark
)
select
  event_id,
  event_time,
  event_name,
  aws_region,
  recipient_account_id,
  resources -> 0 ->> 'ARN',
  case when event_name = 'ReEncrypt' then resources -> 1 ->> 'ARN' end,
  coalesce(rp ->> 'keyId', rp ->> 'destinationKeyId'),
  coalesce(
    rp -> 'encryptionContext' ->> 'aws:ebs:id',
    rp -> 'constraints' -> 'encryptionContextSubset' ->> 'aws:ebs:id',
    rp -> 'constraints' -> 'encryptionContextEquals' ->> 'aws:ebs:id',
    rp -> 'sourceEncryptionContext' ->> 'aws:ebs:id'
  ),
  rp -> 'destinationEncryptionContext' ->> 'aws:ebs:id',
  coalesce(
    rp -> 'encryptionContext' ->> 'aws:rds:db-id',
    rp -> 'constraints' -> 'encryptionContextSubset' ->> 'aws:rds:db-id',
    rp -> 'constraints' -> 'encryptionContextEquals' ->> 'aws:rds:db-id',
    rp -> 'sourceEncryptionContext' ->> 'aws:rds:db-id'
  ),
  coalesce(
    ((rp -> 'encryptionContext') is not null and (rp ->> 'encryptionContext') <> '{}')
      or (rp -> 'constraints') is not null
      or (rp -> 'sourceEncryptionContext') is not null
      or (rp -> 'destinationEncryptionContext') is not null,
    false
  ),
  request_id,
  shared_event_id,
  actor_account_id,
  actor_arn,
  invoked_by,
  file_id,
  case when event_name = 'CreateGrant' then rp ->> 'granteePrincipal' end,
  rp -> 'encryptionContext' ->> 'aws:s3:arn',
  error_code,
  session_issuer_arn
from k
