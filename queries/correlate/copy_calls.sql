-- Every copy request in events, one row per call, with its source and target as each API writes
-- them (reference §2.1, §2.5, §3.1–§3.4, §4.1). Copy calls land in the destination region, except
-- StartCopyJob, which lands in the source region and names the destination vault.
-- params: none. output: temp table copy_calls.
create or replace temp table copy_calls as
with ev as (
  select
    *,
    request_parameters as rp,
    response_elements as re
  from events
  where event_name in (
    'CopySnapshot', 'CopyImage', 'CopyDBSnapshot', 'CopyDBClusterSnapshot',
    'StartDBInstanceAutomatedBackupsReplication', 'StartCopyJob'
  )
    and event_source in ('ec2.amazonaws.com', 'rds.amazonaws.com', 'backup.amazonaws.com')
),
shaped as (
  select
    ev.*,
    case event_name
      when 'CopySnapshot' then rp ->> 'sourceSnapshotId'
      when 'CopyImage' then rp ->> 'sourceImageId'
      when 'CopyDBSnapshot' then rp ->> 'sourceDBSnapshotIdentifier'
      when 'CopyDBClusterSnapshot' then rp ->> 'sourceDBClusterSnapshotIdentifier'
      when 'StartDBInstanceAutomatedBackupsReplication' then rp ->> 'sourceDBInstanceArn'
      when 'StartCopyJob' then rp ->> 'recoveryPointArn'
    end as source_ref,
    case event_name
      when 'CopySnapshot' then re ->> 'snapshotId'
      when 'CopyImage' then re ->> 'imageId'
      when 'CopyDBSnapshot' then coalesce(re ->> 'dBSnapshotIdentifier', rp ->> 'targetDBSnapshotIdentifier')
      when 'CopyDBClusterSnapshot' then coalesce(re ->> 'dBClusterSnapshotIdentifier', rp ->> 'targetDBClusterSnapshotIdentifier')
      when 'StartDBInstanceAutomatedBackupsReplication' then re ->> 'dBInstanceAutomatedBackupsArn'
    end as target_ref,
    case event_name
      when 'CopyDBSnapshot' then re ->> 'dBSnapshotArn'
      when 'CopyDBClusterSnapshot' then re ->> 'dBClusterSnapshotArn'
      when 'StartDBInstanceAutomatedBackupsReplication' then re ->> 'dBInstanceAutomatedBackupsArn'
    end as target_arn_raw,
    case event_name
      when 'CopyDBSnapshot' then re ->> 'dbiResourceId'
      when 'StartDBInstanceAutomatedBackupsReplication' then re ->> 'dbiResourceId'
      when 'CopyDBClusterSnapshot' then re ->> 'dbClusterResourceId'
    end as rds_context,
    case when event_name = 'StartCopyJob' then rp ->> 'destinationBackupVaultArn' end as dest_vault_arn,
    case when event_name = 'StartCopyJob' then re ->> 'copyJobId' end as copy_job_id
  from ev
)
select
  s.event_id as copy_id,
  r.kind,
  s.event_name as api,
  r.context,
  s.event_time as requested_at,
  s.event_id as request_event_id,
  coalesce(s.actor_arn, s.session_issuer_arn) as principal_arn,
  s.actor_account_id,
  s.invoked_by,
  s.session_issuer_arn,
  s.user_agent,
  s.error_code,
  s.request_id,
  s.rp ->> 'kmsKeyId' as key_ref,
  s.copy_job_id,
  s.rds_context,
  -- a source given as an ARN names its region and account; otherwise it is in the request
  case
    -- arn:aws:rds:<region>:<account>:snapshot:<name>; names of automated snapshots contain ':'
    when s.source_ref like 'arn:%:rds:%' then regexp_extract(s.source_ref, '^arn:[^:]+:rds:[^:]*:[^:]*:[^:]+:(.+)$', 1)
    when s.source_ref like 'arn:%' then regexp_extract(s.source_ref, '([^:/]+)$', 1)
    else s.source_ref
  end as source_id,
  case when s.source_ref like 'arn:%' then s.source_ref end as source_arn,
  case
    when s.source_ref like 'arn:%' then split_part(s.source_ref, ':', 4)
    when s.event_name in ('CopySnapshot', 'CopyImage') then s.rp ->> 'sourceRegion'
    when s.event_name in ('CopyDBSnapshot', 'CopyDBClusterSnapshot') then coalesce(s.re ->> 'sourceRegion', s.aws_region)
  end as source_region,
  case when s.source_ref like 'arn:%' then nullif(split_part(s.source_ref, ':', 5), '') end as source_account_named,
  case
    when s.event_name = 'StartCopyJob' then null
    when s.target_ref like 'arn:%:rds:%' then regexp_extract(s.target_ref, '^arn:[^:]+:rds:[^:]*:[^:]*:[^:]+:(.+)$', 1)
    when s.target_ref like 'arn:%' then regexp_extract(s.target_ref, '([^:/]+)$', 1)
    else s.target_ref
  end as target_id,
  s.target_arn_raw as target_arn,
  case when s.event_name = 'StartCopyJob' then split_part(s.dest_vault_arn, ':', 4) else s.aws_region end as target_region,
  case when s.event_name = 'StartCopyJob' then split_part(s.dest_vault_arn, ':', 5) else s.recipient_account_id end as target_account,
  s.aws_region as call_region,
  s.recipient_account_id as call_account,
  case
    when s.event_name = 'StartCopyJob' then 'aws_backup'
    when s.invoked_by = 'backup.amazonaws.com' or s.session_issuer_arn ilike '%AWSBackup%' or s.user_agent = 'backup.amazonaws.com' then 'aws_backup'
    when s.invoked_by like 'dlm%' or s.session_issuer_arn ilike '%DataLifecycleManager%' or s.user_agent like 'dlm.%' then 'dlm'
    when s.actor_arn is null and s.actor_type is null then 'unknown'
    else 'manual'
  end as mechanism
from shaped s
join correlate_rules r on r.api = s.event_name
