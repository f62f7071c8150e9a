-- Extracts the join keys of KMS events loaded since the last run (file_id above the watermark).
-- Only the operations a copy causes count ($operations, a JSON array: core/events.ts
-- KMS_CONTEXT_EVENTS); DescribeKey and other context-free calls are never evidence. A failed call is
-- kept only when it names an S3 object or bucket (aws:s3:arn): a replication role denied by a key
-- policy is how a replication fails silently; error_code tells it from a use of the key.
-- params: $watermark, $upto (the last file loaded), $operations. output: none.
-- Each record's JSON is parsed once per column: the paths are read as lists (p: request parameters
-- as text, the context objects among them; r: the resources' ARNs). A context object written as
-- JSON null reads as absent: it is no context.
insert into kms_context
with k as (
  select
    e.*,
    json_extract_string(e.resources, ['$[0].ARN', '$[1].ARN']) as r,
    json_extract_string(e.request_parameters, [
      '$.keyId',
      '$.destinationKeyId',
      '$.encryptionContext."aws:ebs:id"',
      '$.constraints.encryptionContextSubset."aws:ebs:id"',
      '$.constraints.encryptionContextEquals."aws:ebs:id"',
      '$.sourceEncryptionContext."aws:ebs:id"',
      '$.destinationEncryptionContext."aws:ebs:id"',
      '$.encryptionContext."aws:rds:db-id"',
      '$.constraints.encryptionContextSubset."aws:rds:db-id"',
      '$.constraints.encryptionContextEquals."aws:rds:db-id"',
      '$.sourceEncryptionContext."aws:rds:db-id"',
      '$.granteePrincipal',
      '$.encryptionContext."aws:s3:arn"',
      '$.encryptionContext',
      '$.constraints',
      '$.sourceEncryptionContext',
      '$.destinationEncryptionContext'
    ]) as p
  from events e
  where e.event_source = 'kms.amazonaws.com'
    and list_contains(from_json($operations, '["VARCHAR"]'), e.event_name)
    and (e.error_code is null or (e.request_parameters -> 'encryptionContext' ->> 'aws:s3:arn') is not null)
    and e.file_id > $watermark
    and e.file_id <= $upto
)
select
  event_id,
  event_time,
  event_name,
  aws_region,
  recipient_account_id,
  r[1],
  case when event_name = 'ReEncrypt' then r[2] end,
  coalesce(p[1], p[2]),
  coalesce(p[3], p[4], p[5], p[6]),
  p[7],
  coalesce(p[8], p[9], p[10], p[11]),
  coalesce(
    (p[14] is not null and p[14] <> '{}')
      or p[15] is not null
      or p[16] is not null
      or p[17] is not null,
    false
  ),
  request_id,
  shared_event_id,
  actor_account_id,
  actor_arn,
  invoked_by,
  file_id,
  case when event_name = 'CreateGrant' then p[12] end,
  p[13],
  error_code,
  session_issuer_arn
from k
