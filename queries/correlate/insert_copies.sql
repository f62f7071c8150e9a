-- The copies table: each edge with its keys resolved (the target record's key ARN, else the
-- requested key when it is an ARN or a learned alias), the key change, its status (and when it
-- completed: copy_completion.sql), its parent and, for the RDS family, its engine.
-- Status: failed (the call's error, or a job whose certain service event says it failed), else for a
-- configuration-style copy active | ended (a later call switched it off), else completed (a later
-- copy took its target as source, or a service event said so) | requested.
-- params: none. output: none.
insert into copies (
  copy_id, kind, api, mechanism, status, error_code, requested_at, request_event_id, principal_arn,
  source_id, source_arn, source_region, source_account, source_key_arn,
  target_id, target_arn, target_region, target_account, target_key_arn, key_change, parent_copy_id,
  kms_unattributed, engine, completed_at
)
with target_key as (
  select
    v.copy_id,
    coalesce(k.dest_key_arn, k.key_arn) as key_arn
  from evidence_all v
  join kms_context k on k.event_id = v.event_id
  where v.side = 'target' and v.match in ('encryption_context', 'request_id')
    and coalesce(k.dest_key_arn, k.key_arn) like 'arn:%:kms:%'
  qualify row_number() over (partition by v.copy_id order by v.strength, k.event_time, k.event_id) = 1
),
source_key as (
  select copy_id, key_arn
  from (
    select v.copy_id, k.key_arn, 0 as pref, v.strength, k.event_time, k.event_id
    from evidence_all v
    join kms_context k on k.event_id = v.event_id
    where v.side = 'source' and v.match in ('source_context', 'request_id', 'shared_event')
      and k.key_arn like 'arn:%:kms:%'
    union all
    -- a ReEncrypt that wrote the target names both keys (resources[]: the source key, then the
    -- destination key): the key it decrypted from is the source's
    select v.copy_id, k.key_arn, 1, v.strength, k.event_time, k.event_id
    from evidence_all v
    join kms_context k on k.event_id = v.event_id
    where v.side = 'target' and v.match in ('encryption_context', 'request_id')
      and k.event_name = 'ReEncrypt'
      and k.key_arn like 'arn:%:kms:%'
      and k.dest_key_arn like 'arn:%:kms:%'
  )
  qualify row_number() over (partition by copy_id order by pref, strength, event_time, event_id) = 1
),
alias_key as (
  select c.copy_id, min(kk.key_arn) as key_arn
  from copy_edges c
  join kms_keys kk on kk.region = c.target_region and list_contains(kk.aliases, c.key_ref)
  where c.key_ref like 'alias/%'
  group by c.copy_id
  having count(*) = 1
),
resolved as (
  select
    c.*,
    cr.configuration,
    cr.in_place,
    coalesce(
      tk.key_arn,
      case when c.key_ref like 'arn:%:kms:%:key/%' then c.key_ref end,
      ak.key_arn,
      case when regexp_matches(c.key_ref, '^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')
        then 'arn:aws:kms:' || c.target_region || ':' || c.target_account || ':key/' || c.key_ref end
    ) as t_key,
    coalesce(sk.key_arn, case when c.source_key_hint like 'arn:%:kms:%' then c.source_key_hint end) as s_key
  from copy_edges c
  join correlate_rules cr on cr.rule_id = c.rule_id
  left join target_key tk on tk.copy_id = c.copy_id
  left join source_key sk on sk.copy_id = c.copy_id
  left join alias_key ak on ak.copy_id = c.copy_id
)
select
  r.copy_id,
  r.kind,
  r.api,
  r.mechanism,
  -- copy_completion.sql: a job that failed (its certain CopyJobCompleted says FAILED) is failed though
  -- its call succeeded; one that completed, or whose target was copied on, is completed
  case
    when r.error_code is not null then 'failed'
    -- a configuration (a replication switched on) copies until a later call switches it off
    when r.configuration then
      case
        when exists (select 1 from evidence_all v where v.copy_id = r.copy_id and v.match = 'configuration_end')
          then 'ended'
        else 'active'
      end
    when d.failed then 'failed'
    when d.completed_at is not null then 'completed'
    else 'requested'
  end,
  r.error_code,
  r.requested_at,
  r.request_event_id,
  r.principal_arn,
  r.source_id,
  r.source_arn,
  r.source_region,
  r.source_account,
  r.s_key,
  r.target_id,
  r.target_arn,
  r.target_region,
  r.target_account,
  r.t_key,
  case
    when r.s_key is null or r.t_key is null then 'unknown'
    when r.s_key = r.t_key then 'same_key'
    when regexp_extract(r.s_key, 'key/(.+)$', 1) like 'mrk-%'
      and regexp_extract(r.s_key, 'key/(.+)$', 1) = regexp_extract(r.t_key, 'key/(.+)$', 1) then 'mrk_replica'
    else 'new_key'
  end,
  coalesce(
    (
      select p.copy_id
      from copy_edges p
      where p.target_id = r.source_id
        and p.target_region = r.source_region
        and p.error_code is null
        and p.requested_at <= r.requested_at
        -- a restore in place names its own snapshot as source and target: never its own parent (a
        -- copy that does so is forged or odd, and copy_chains calls it a cycle)
        and (p.copy_id <> r.copy_id or not r.in_place)
      order by p.requested_at desc, p.copy_id
      limit 1
    ),
    -- a copy of an artifact backing a copy's target (a copied AMI's snapshot) descends from that copy
    (
      select p.copy_id
      from ami_backing b
      join copy_edges p on p.rule_id = b.rule_id and p.target_id = b.target_id and p.target_region = b.region
      where b.artifact_id = r.source_id
        and b.region = r.source_region
        and p.error_code is null
        and p.requested_at <= r.requested_at
      order by p.requested_at desc, p.copy_id
      limit 1
    )
  ),
  (
    select count(*)
    from evidence_all u
    where u.copy_id = r.copy_id and u.match = 'key_time_window_unattributed'
  ),
  r.engine,
  d.completed_at
from resolved r
left join copy_completion d on d.copy_id = r.copy_id
