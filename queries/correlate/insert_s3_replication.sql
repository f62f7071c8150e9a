-- The copies rows of S3 replication edges (kind s3_replication, api PutBucketReplication,
-- mechanism s3_replication). Status: ended once a later change of the bucket's configuration
-- dropped the destination (ended_at: that change); else failing when, in the latest hour in which
-- the role made KMS calls for the edge, any of them was denied; else active. An edge whose buckets
-- use SSE-S3 leaves no KMS record: it is still an edge, declared, with no evidence and no keys.
-- Keys: the source's from the role's Decrypt records, else the bucket's default SSE-KMS key
-- (its latest PutBucketEncryption while the edge stood); the target's is the rule's replica key,
-- else the role's target-side records. The target's region: the replica key's or the bucket's
-- CreateBucket (s3_replication_edges), else where the role's target-side records were logged.
-- params: none. output: none.
insert into copies (
  copy_id, kind, api, mechanism, status, error_code, requested_at, request_event_id, principal_arn,
  source_id, source_arn, source_region, source_account, source_key_arn,
  target_id, target_arn, target_region, target_account, target_key_arn, key_change, parent_copy_id,
  kms_unattributed, ended_at, replication_role
)
with edge as (
  select
    copy_id,
    arg_min_null(start_event_id, seq) as request_event_id,
    min(started_at) as requested_at,
    arg_min_null(started_by, seq) as principal_arn,
    arg_min_null(region, seq) as source_region,
    arg_min_null(account, seq) as source_account,
    arg_min_null(bucket, seq) as source_bucket,
    arg_min_null(dest, seq) as target_bucket,
    -- the standing (or last) configuration's rule decides the destination's account, key and role
    -- (the _null forms keep a null: a later rule without a key has no key)
    arg_max_null(dest_account, seq) as dest_account,
    arg_max_null(replica_key, seq) as replica_key,
    arg_max_null(role, seq) as role,
    arg_max_null(dest_region, seq) as dest_region,
    arg_max_null(segment_end, seq) as ended_at
  from s3_replication_edges
  group by copy_id
),
ok as (
  select * from s3_replication_evidence where error_code is null and key_arn like 'arn:%:kms:%:key/%'
),
seen_key as (
  select
    copy_id,
    side,
    arg_max(key_arn, (event_time, event_id)) as key_arn,
    arg_max(region, (event_time, event_id)) as region
  from ok
  group by copy_id, side
),
encryption as (
  -- PutBucketEncryption: ServerSideEncryptionConfiguration {Rule: one object or a list, each
  -- {ApplyServerSideEncryptionByDefault {SSEAlgorithm, KMSMasterKeyID}}} (inferred from the API
  -- reference; no real record seen)
  select
    e.event_id,
    e.event_time,
    e.recipient_account_id as account,
    e.request_parameters ->> 'bucketName' as bucket,
    coalesce(
      e.request_parameters -> 'ServerSideEncryptionConfiguration' -> 'Rule' -> 'ApplyServerSideEncryptionByDefault',
      e.request_parameters -> 'ServerSideEncryptionConfiguration' -> 'Rule' -> 0 -> 'ApplyServerSideEncryptionByDefault'
    ) as rule
  from events e
  where e.event_source = 's3.amazonaws.com'
    and e.event_name = 'PutBucketEncryption'
    and e.error_code is null
),
default_key as (
  -- the bucket's default encryption while the edge stood: an SSE-KMS key, or none (SSE-S3)
  select
    g.copy_id,
    arg_max(
      case when coalesce(x.rule ->> 'SSEAlgorithm', '') like 'aws:kms%' then x.rule ->> 'KMSMasterKeyID' end,
      (x.event_time, x.event_id)
    ) as key_ref
  from edge g
  join encryption x
    on x.account = g.source_account
   and x.bucket = g.source_bucket
   and (g.ended_at is null or x.event_time < g.ended_at)
  group by g.copy_id
),
latest_hour as (
  select copy_id, arg_max(denied, hour) as denied
  from (
    select copy_id, date_trunc('hour', event_time) as hour, count(*) filter (where error_code is not null) as denied
    from s3_replication_evidence
    group by copy_id, date_trunc('hour', event_time)
  )
  group by copy_id
),
resolved as (
  select
    g.*,
    coalesce(g.dest_region, tk.region) as target_region,
    coalesce(g.dest_account, g.source_account) as target_account,
    coalesce(
      sk.key_arn,
      case
        when dk.key_ref like 'arn:%:kms:%:key/%' then dk.key_ref
        when regexp_matches(dk.key_ref, '^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')
          then 'arn:aws:kms:' || g.source_region || ':' || g.source_account || ':key/' || dk.key_ref
      end
    ) as s_key,
    coalesce(
      case when g.replica_key like 'arn:%:kms:%:key/%' then g.replica_key end,
      tk.key_arn,
      case
        when regexp_matches(g.replica_key, '^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')
          and coalesce(g.dest_region, tk.region) is not null
          then 'arn:aws:kms:' || coalesce(g.dest_region, tk.region) || ':' || coalesce(g.dest_account, g.source_account) || ':key/' || g.replica_key
      end
    ) as t_key,
    lh.denied as latest_denied
  from edge g
  left join seen_key sk on sk.copy_id = g.copy_id and sk.side = 'source'
  left join seen_key tk on tk.copy_id = g.copy_id and tk.side = 'target'
  left join default_key dk on dk.copy_id = g.copy_id
  left join latest_hour lh on lh.copy_id = g.copy_id
)
select
  copy_id,
  's3_replication',
  'PutBucketReplication',
  's3_replication',
  case
    when ended_at is not null then 'ended'
    when coalesce(latest_denied, 0) > 0 then 'failing'
    else 'active'
  end,
  null,
  requested_at,
  request_event_id,
  principal_arn,
  source_bucket,
  'arn:aws:s3:::' || source_bucket,
  source_region,
  source_account,
  s_key,
  target_bucket,
  'arn:aws:s3:::' || target_bucket,
  target_region,
  target_account,
  t_key,
  case
    when s_key is null or t_key is null then 'unknown'
    when s_key = t_key then 'same_key'
    when regexp_extract(s_key, 'key/(.+)$', 1) like 'mrk-%'
      and regexp_extract(s_key, 'key/(.+)$', 1) = regexp_extract(t_key, 'key/(.+)$', 1) then 'mrk_replica'
    else 'new_key'
  end,
  null,
  0,
  ended_at,
  role
from resolved
