-- Links each copy to the KMS and service events it caused, strongest join first (DESIGN §4), taking
-- from each copy's rule which KMS operations and encryption-context keys count and which service
-- events tie to it: encryption_context (target, including the artifacts backing a copied AMI; a
-- record that fits several copies' shared context is decided like a source record, else marked
-- encryption_context_ambiguous),
-- source_context (source; ties broken by request id, then identity, then the single copy requested
-- closest before; otherwise every candidate is marked source_context_ambiguous, never attached as
-- certain), request_id, shared_event (the other account's copy of a matched record), service_event,
-- configuration_end (the later call that switched a configuration-style copy off),
-- and key_time_window (a weak hint, only for records that name no resource at all, and only when
-- the record fits exactly one copy and no other match claims it; one that fits several copies is
-- key_time_window_unattributed, counted on each and stored as the evidence of none). A read (not a
-- data-key generation) naming a copy's target, made after a later copy of that target was
-- requested, is that later copy's source read, not the first copy's target write. A copy known to
-- have ended (copy_completion.sql) takes no KMS record from after its end and the rule's skew.
-- params: none. output: temp table evidence_all.
create or replace temp table evidence_all as
with e as (
  select
    c.*,
    r.kms_operations, r.context_keys, r.service_events,
    r.target_before_s, r.target_after_s, r.source_before_s, r.source_after_s, r.pick_window_s,
    r.weak_window_s, r.service_before_s, r.service_after_s,
    -- a copy known to have ended takes nothing from after its end (copy_completion.sql)
    least(c.requested_at + to_seconds(r.target_after_s), d.ended_at + to_seconds(r.after_completion_s)) as target_until,
    least(c.requested_at + to_seconds(r.source_after_s), d.ended_at + to_seconds(r.after_completion_s)) as source_until
  from copy_edges c
  join correlate_rules r on r.rule_id = c.rule_id
  left join copy_completion d on d.copy_id = c.copy_id
  where c.error_code is null
),
kms_ev as (
  -- the KMS records that may be a copy's evidence: never what an instance's attach or launch made
  -- (reference §5.2: the grant to the instance's aws:ec2-infrastructure session, and the Decrypt
  -- that session makes), though they carry the volume's context; nor a call that was denied
  select k.*
  from kms_context k
  where k.error_code is null
    and not coalesce(
    k.actor_arn like 'arn:%:sts::%:assumed-role/aws:ec2-infrastructure/i-%'
      or k.actor_arn like '%:aws:ec2-infrastructure:i-%'
      or k.grantee_principal like 'arn:%:sts::%:assumed-role/aws:ec2-infrastructure/i-%'
      or k.grantee_principal like '%:aws:ec2-infrastructure:i-%',
    false
  )
),
e_keys as (
  -- one row per copy and encryption-context key its rule reads
  select *, unnest(context_keys) as context_key
  from e
),
kms_ids as (
  -- the ids each KMS record's encryption context names, per key kms_context holds
  -- (correlate/rules/rule.ts CONTEXT_KEYS); dest: a ReEncrypt's destination, which only names a target
  select event_id, event_time, region, 'aws:ebs:id' as context_key, ebs_ctx as context_id, false as dest
  from kms_ev
  where ebs_ctx is not null
  union all
  select event_id, event_time, region, 'aws:ebs:id', ebs_dest_ctx, true
  from kms_ev
  where ebs_dest_ctx is not null
  union all
  select event_id, event_time, region, 'aws:rds:db-id', rds_ctx, false
  from kms_ev
  where rds_ctx is not null
),
source_matched as (
  select distinct e.copy_id, i.event_id
  from e_keys e
  join kms_ids i
    on i.context_key = e.context_key
   and i.context_id = e.source_context
   and i.region = e.source_region
   and not i.dest
   and i.event_time between e.requested_at - to_seconds(e.source_before_s) and e.source_until
  -- when both sides' records carry one context id (RDS: the instance's, on the source and on the
  -- copy), only another region tells the source's records from the target's
  where e.source_context is distinct from e.target_context or e.source_region <> e.target_region
),
source_candidates as (
  select
    e.copy_id,
    k.event_id,
    e.source_context,
    (k.request_id is not null and k.request_id = e.request_id) as rid,
    (k.actor_account_id = e.target_account and (k.actor_arn is null or k.actor_arn = e.principal_arn)) as ident,
    (epoch(k.event_time) - epoch(e.requested_at)) between -e.source_before_s and e.pick_window_s as near,
    -- a read of the source made after this copy was requested (a data key is generated for a write)
    k.event_time >= e.requested_at and k.event_name not like 'GenerateDataKey%' as read_after_request
  from source_matched m
  join e on e.copy_id = m.copy_id
  join kms_ev k on k.event_id = m.event_id
  where list_contains(e.kms_operations, k.event_name)
),
-- a copy's target, and the artifacts backing it (a copied AMI's snapshots, made by the same copy):
-- their own ids are its target context
target_ids as (
  select e.*, e.target_context as target_ctx_id from e_keys e where e.target_context is not null
  union all
  select e.*, b.artifact_id as target_ctx_id
  from e_keys e
  join ami_backing b on b.rule_id = e.rule_id and b.target_id = e.target_id and b.region = e.target_region
),
target_candidates as (
  select distinct
    t.copy_id,
    k.event_id,
    (k.request_id is not null and k.request_id = t.request_id) as rid,
    (epoch(k.event_time) - epoch(t.requested_at)) between -t.target_before_s and t.pick_window_s as near
  from target_ids t
  join kms_ids i
    on i.context_key = t.context_key
   and i.context_id = t.target_ctx_id
   and i.region = t.target_region
   and i.event_time between t.requested_at - to_seconds(t.target_before_s) and t.target_until
  join kms_ev k on k.event_id = i.event_id
  where list_contains(t.kms_operations, k.event_name)
    and not exists (
      select 1 from source_candidates l
      where l.event_id = k.event_id and l.source_context = t.target_ctx_id and l.read_after_request
    )
),
-- A context id names one copy's target when it is the new artifact's own id, but the copy's context
-- (RDS: the DB instance's resource id) is the same on every copy of that instance's snapshots: a
-- record that fits several copies goes to the one its request id names, else to the single copy
-- requested within the rule's pick window before it; otherwise it is encryption_context_ambiguous
-- on each candidate, never certain evidence of any.
target_ctx as (
  select copy_id, event_id, 'target' as side, verdict as match, case when verdict = 'encryption_context' then 1 else 7 end as strength
  from (
    select
      *,
      case
        when n = 1 then 'encryption_context'
        when n_rid = 1 then case when rid then 'encryption_context' end
        when n_rid > 1 then case when rid then 'encryption_context_ambiguous' end
        when n_near = 1 then case when near then 'encryption_context' end
        else 'encryption_context_ambiguous'
      end as verdict
    from (
      select
        *,
        count(*) over (partition by event_id) as n,
        sum(rid::int) over (partition by event_id) as n_rid,
        sum(near::int) over (partition by event_id) as n_near
      from target_candidates
    )
  )
  where verdict is not null
),
source_counted as (
  select
    *,
    count(*) over (partition by event_id) as n,
    sum(rid::int) over (partition by event_id) as n_rid,
    sum(ident::int) over (partition by event_id) as n_ident,
    sum(near::int) over (partition by event_id) as n_near
  from source_candidates
),
source_ctx as (
  select copy_id, event_id, 'source' as side, verdict as match, case when verdict = 'source_context' then 2 else 7 end as strength
  from (
    select
      *,
      case
        when n = 1 then 'source_context'
        when n_rid = 1 then case when rid then 'source_context' end
        when n_rid > 1 then case when rid then 'source_context_ambiguous' end
        when n_ident = 1 then case when ident then 'source_context' end
        when n_near = 1 then case when near then 'source_context' end
        else 'source_context_ambiguous'
      end as verdict
    from source_counted
  )
  where verdict is not null
),
by_request as (
  select
    e.copy_id, k.event_id,
    -- the region tells the side, unless the copy stays in one region: then the requested key does
    case
      when k.region <> e.target_region then 'source'
      when e.source_region <> e.target_region then 'target'
      when k.key_arn = e.key_ref or k.key_ref = e.key_ref then 'target'
      else 'source'
    end as side,
    'request_id' as match, 3 as strength
  from e
  join kms_ev k
    on k.request_id = e.request_id
   and k.event_time between e.requested_at - to_seconds(e.target_before_s) and e.target_until
  where e.request_id is not null
    and list_contains(e.kms_operations, k.event_name)
),
certain as (
  select * from target_ctx where match = 'encryption_context'
  union all
  select * from source_ctx where match = 'source_context'
  union all
  select * from by_request
),
shared as (
  select c.copy_id, k2.event_id, c.side, 'shared_event' as match, 4 as strength
  from certain c
  join e on e.copy_id = c.copy_id
  join kms_ev k1 on k1.event_id = c.event_id
  join kms_ev k2
    on k2.shared_event_id = k1.shared_event_id
   and k2.event_id <> k1.event_id
   and k2.recipient_account_id is distinct from k1.recipient_account_id
  where k1.shared_event_id is not null
    and list_contains(e.kms_operations, k2.event_name)
),
service as (
  -- the service events tied to the copy (service_ties.sql)
  select t.copy_id, t.event_id, t.side, 'service_event' as match, 5 as strength
  from service_ties t
  semi join e on e.copy_id = t.copy_id
),
ends as (
  -- a successful call that switches a configuration off (correlate/rules/rule.ts ServiceEvent.ends)
  -- ends the latest configuration it ties to that was made before it, and no earlier one: a
  -- replication switched off, on again and off again is two configurations, each with its own end
  select e.copy_id, s.event_id, e.spec.side, 'configuration_end' as match, 5 as strength
  from (select *, unnest(service_events) as spec from e where not seen_alone) e
  join rule_events s on s.event_source = e.spec.event_source and s.event_name = e.spec.event_name
  where e.spec.ends
    and s.event_time >= e.requested_at
    and s.event_id <> e.copy_id
    and json_extract_string(s.rec, '$.errorCode') is null
    and tied(e.spec.ties, s.rec, e.tie_fields, true)
  qualify row_number() over (partition by s.event_id order by e.requested_at desc, e.copy_id desc) = 1
),
weak as (
  select
    e.copy_id,
    k.event_id,
    'target' as side,
    -- a hint that fits several copies (a fleet sharing one key and one minute) is nobody's evidence:
    -- insert_evidence leaves it out and insert_copies counts it on each copy it fits
    case
      when count(*) over (partition by k.event_id) = 1 then 'key_time_window'
      else 'key_time_window_unattributed'
    end as match,
    6 as strength
  from e
  join kms_ev k
    on k.region = e.target_region
   and not k.has_context
   and (k.key_arn = e.key_ref or k.key_ref = e.key_ref)
   and k.event_time between e.requested_at - to_seconds(e.weak_window_s) and e.requested_at + to_seconds(e.weak_window_s)
  where e.key_ref is not null
    and list_contains(e.kms_operations, k.event_name)
    and not exists (select 1 from certain c where c.event_id = k.event_id)
)
select copy_id, event_id, side, match, strength
from (
  select * from certain
  union all select * from source_ctx where match = 'source_context_ambiguous'
  union all select * from target_ctx where match = 'encryption_context_ambiguous'
  union all select * from shared
  union all select * from service
  union all select * from ends
  union all select * from weak
)
qualify row_number() over (partition by copy_id, event_id order by strength, side) = 1
