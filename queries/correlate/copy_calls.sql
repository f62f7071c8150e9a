-- Every copy request in events, one row per call, read through its rule (correlate/rules/): the
-- source, target, key, context and Backup fields at the paths the rule declares. What is the same
-- for every API stays here: a ref that is an ARN is parsed for its id, and names the region and
-- account where the rule says so; the mechanism is told from the caller unless the API has one.
-- params: none. output: temp table copy_calls.
create or replace temp table copy_calls as
with declared as (
  select
    e.*,
    r.rule_id,
    r.kind,
    r.mechanism as api_mechanism,
    r.target_context_from,
    first_at(e.rec, r.source_ref_paths) as source_ref,
    first_at(e.rec, r.source_region_paths) as source_region_at,
    first_at(e.rec, r.source_account_paths) as source_account_at,
    first_at(e.rec, r.target_ref_paths) as target_ref,
    first_at(e.rec, r.target_arn_paths) as target_arn,
    first_at(e.rec, r.target_region_paths) as target_region_at,
    first_at(e.rec, r.target_account_paths) as target_account_at,
    first_at(e.rec, r.key_ref_paths) as key_ref,
    first_at(e.rec, r.copy_context_paths) as copy_context,
    first_at(e.rec, r.engine_paths) as engine,
    first_at(e.rec, r.backup_vault_paths) as backup_vault,
    first_at(e.rec, r.copy_job_id_paths) as copy_job_id,
    first_at(e.rec, r.error_code_paths) as error_code,
    r.source_from_arn,
    r.target_from_arn,
    r.target_arn_of
  from rule_events e
  join correlate_rules r on r.event_source = e.event_source and r.api = e.event_name
  -- a call the rule does not take as a copy (an UpdateTable that adds no replica)
  where len(r.only_paths) = 0 or first_at(e.rec, r.only_paths) is not null
),
naming as (
  select
    *,
    -- the ARN that names a side's region and account, where the rule says one does
    case when source_from_arn = 'ref' and source_ref like 'arn:%' then source_ref end as source_naming,
    case
      when target_from_arn = 'ref' and target_ref like 'arn:%' then target_ref
      when target_from_arn = 'backup_vault' and backup_vault like 'arn:%' then backup_vault
    end as target_naming
  from declared
),
placed as (
  select
    *,
    -- arn:aws:rds:<region>:<account>:snapshot:<name>; names of automated snapshots contain ':'
    case
      when source_ref like 'arn:%:rds:%' then regexp_extract(source_ref, '^arn:[^:]+:rds:[^:]*:[^:]*:[^:]+:(.+)$', 1)
      when source_ref like 'arn:%' then regexp_extract(source_ref, '([^:/]+)$', 1)
      else source_ref
    end as source_id,
    case
      when target_ref like 'arn:%:rds:%' then regexp_extract(target_ref, '^arn:[^:]+:rds:[^:]*:[^:]*:[^:]+:(.+)$', 1)
      when target_ref like 'arn:%' then regexp_extract(target_ref, '([^:/]+)$', 1)
      else target_ref
    end as target_id,
    -- an EC2 snapshot ARN names no account: then the rule's paths, or nothing
    coalesce(nullif(split_part(source_naming, ':', 4), ''), source_region_at) as source_region,
    coalesce(nullif(split_part(source_naming, ':', 5), ''), source_account_at) as source_account_named,
    coalesce(nullif(split_part(target_naming, ':', 4), ''), target_region_at) as target_region,
    coalesce(nullif(split_part(target_naming, ':', 5), ''), target_account_at) as target_account
  from naming
)
select
  event_id as copy_id,
  rule_id,
  kind,
  event_name as api,
  event_time as requested_at,
  event_id as request_event_id,
  coalesce(actor_arn, session_issuer_arn) as principal_arn,
  actor_account_id,
  invoked_by,
  session_issuer_arn,
  user_agent,
  error_code,
  request_id,
  key_ref,
  copy_job_id,
  copy_context,
  engine,
  source_id,
  case when source_ref like 'arn:%' then source_ref end as source_arn,
  source_region,
  source_account_named,
  target_id,
  coalesce(
    target_arn,
    -- a bucket's ARN names neither region nor account: only the partition, told by the call's region
    case when target_arn_of = 's3_bucket' and target_id is not null then
      'arn:' || case
        when aws_region like 'cn-%' then 'aws-cn'
        when aws_region like 'us-gov-%' then 'aws-us-gov'
        else 'aws'
      end || ':s3:::' || target_id
    end
  ) as target_arn,
  target_region,
  target_account,
  case target_context_from when 'copy_context' then copy_context when 'target_id' then target_id end as target_context,
  aws_region as call_region,
  recipient_account_id as call_account,
  coalesce(
    api_mechanism,
    case
      when invoked_by = 'backup.amazonaws.com' or session_issuer_arn ilike '%AWSBackup%' or user_agent = 'backup.amazonaws.com' then 'aws_backup'
      when invoked_by like 'dlm%' or session_issuer_arn ilike '%DataLifecycleManager%' or user_agent like 'dlm.%' then 'dlm'
      when actor_arn is null and actor_type is null then 'unknown'
      else 'manual'
    end
  ) as mechanism,
  -- the copy's values a service event can be tied to (correlate/rules/rule.ts CopyField)
  map {
    'source_id': source_id,
    'source_region': source_region,
    'target_id': target_id,
    'target_region': target_region,
    'target_account': target_account,
    'copy_job_id': copy_job_id,
    'call_region': aws_region,
    'call_account': recipient_account_id
  } as tie_fields
from placed
