-- The new artifact of a copy whose call names none (StartCopyJob: the recovery point exists only
-- once the job has run), from a service event the copy's rule declares a `target` for
-- (CopyJobCompleted's destinationRecoveryPointArn, reference §4.2). A wrong target would pull the
-- wrong KMS records in as certain evidence, so the event must be tied for certain (a tie that needs
-- no time window: the job id), must complete the copy (a FAILED job made nothing), must name one
-- artifact, agree with the place the call names (the vault's region and account), and the artifact
-- must be given to no other copy. The ARN names the id, the region and, except for an EC2 snapshot,
-- the account. params: none. output: temp table service_targets (copy_id, ref, id, region, account).
create or replace temp table service_targets as
with specs as (
  select rule_id, unnest(service_events) as s
  from correlate_rules
),
named as (
  select
    c.copy_id,
    c.target_region as call_region,
    c.target_account as call_account,
    first_at(e.rec, sp.s.target_ref_paths) as ref
  from copy_edges c
  join specs sp on sp.rule_id = c.rule_id
  join rule_events e on e.event_source = sp.s.event_source and e.event_name = sp.s.event_name
  where c.target_id is null
    and c.error_code is null
    and not c.seen_alone
    and len(sp.s.target_ref_paths) > 0
    and (sp.s.mechanism is null or sp.s.mechanism = c.mechanism)
    and sp.s.completes_path is not null
    and json_extract_string(e.rec, sp.s.completes_path) = sp.s.completes_value
    and tied(sp.s.ties, e.rec, c.tie_fields, false)
),
one_each as (
  select copy_id, any_value(call_region) as call_region, any_value(call_account) as call_account, min(ref) as ref
  from named
  where ref is not null
  group by copy_id
  having count(distinct ref) = 1
),
parsed as (
  select
    copy_id,
    call_region,
    call_account,
    ref,
    case
      when ref like 'arn:%:rds:%' then regexp_extract(ref, '^arn:[^:]+:rds:[^:]*:[^:]*:[^:]+:(.+)$', 1)
      when ref like 'arn:%' then regexp_extract(ref, '([^:/]+)$', 1)
      else ref
    end as id,
    case when ref like 'arn:%' then nullif(split_part(ref, ':', 4), '') end as region,
    case when ref like 'arn:%' then nullif(split_part(ref, ':', 5), '') end as account
  from one_each
)
select copy_id, ref, id, region, account
from parsed
where nullif(id, '') is not null
  and (region is null or call_region is null or region = call_region)
  and (account is null or call_account is null or account = call_account)
qualify count(*) over (partition by coalesce(region, ''), id) = 1
