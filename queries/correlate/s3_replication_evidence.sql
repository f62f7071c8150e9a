-- The KMS calls each replication edge caused: a Decrypt in the source bucket's region whose
-- aws:s3:arn context names the source bucket (its ARN, or an object ARN under it when the bucket
-- key is off), and a GenerateDataKey or Encrypt whose context names the destination bucket, in the
-- destination's region when that is known, each made by the role of the configuration standing at
-- that moment (the session issuer of its assumed-role session, or the role the session ARN names:
-- the ARN drops the role's path) and while that configuration stood. Any other principal's use of
-- the same buckets' keys is its own reading and writing, never replication. The key owner's copy of
-- a cross-account call (same sharedEventID, another trail) is attached with it. Denied calls are
-- kept: they are how a replication fails without anyone noticing.
-- params: none. output: temp table s3_replication_evidence.
create or replace temp table s3_replication_evidence as
with k as (
  select
    *,
    regexp_extract(s3_arn, '^arn:[^:]*:s3:::([^/]+)', 1) as bucket,
    -- the role an assumed-role session ARN names: account and role name
    case when actor_arn like 'arn:%:sts::%:assumed-role/%' then split_part(actor_arn, ':', 5) end as session_account,
    case when actor_arn like 'arn:%:sts::%:assumed-role/%' then split_part(split_part(actor_arn, ':', 6), '/', 2) end as session_role
  from kms_context
  where s3_arn is not null
    and event_name in ('Decrypt', 'GenerateDataKey', 'Encrypt')
),
by_role as (
  select
    s.copy_id,
    k.event_id,
    case
      when k.event_name = 'Decrypt' and k.bucket = s.bucket and k.region = s.region then 'source'
      when k.event_name <> 'Decrypt' and k.bucket = s.dest and (s.dest_region is null or k.region = s.dest_region) then 'target'
    end as side
  from s3_replication_edges s
  join k
    on k.bucket in (s.bucket, s.dest)
   and k.event_time >= s.segment_start
   and (s.segment_end is null or k.event_time < s.segment_end)
  where s.role like 'arn:%:iam::%:role/%'
    and (
      k.session_issuer_arn = s.role
      or (k.session_account = split_part(s.role, ':', 5) and k.session_role = regexp_extract(s.role, '/([^/]+)$', 1))
    )
),
matched as (
  select distinct copy_id, event_id, side, 'replication_role' as match
  from by_role
  where side is not null
),
shared as (
  select m.copy_id, k2.event_id, m.side, 'shared_event' as match
  from matched m
  join k k1 on k1.event_id = m.event_id
  join k k2
    on k2.shared_event_id = k1.shared_event_id
   and k2.event_id <> k1.event_id
   and k2.recipient_account_id is distinct from k1.recipient_account_id
   and k2.event_name = k1.event_name
   and k2.bucket = k1.bucket
  where k1.shared_event_id is not null
)
select
  v.copy_id,
  v.event_id,
  v.side,
  v.match,
  k.event_name,
  k.event_time,
  k.region,
  k.recipient_account_id,
  coalesce(k.shared_event_id, k.event_id) as call_id,
  k.error_code,
  k.key_arn
from (
  select * from matched
  union all
  select * from shared
) v
join k on k.event_id = v.event_id
qualify row_number() over (partition by v.copy_id, v.event_id order by (v.match = 'replication_role') desc, v.side) = 1
