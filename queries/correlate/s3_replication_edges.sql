-- S3 replication edges, one per (source bucket, destination bucket) while a replication
-- configuration names that destination in an enabled rule. A bucket's configuration changes by
-- PutBucketReplication (it replaces the whole configuration) and DeleteBucketReplication; each
-- change starts a segment that lasts until the bucket's next change. Consecutive segments that keep
-- a destination are one edge, so re-applying the same configuration does not make a new edge; the
-- edge ends at the first change without that destination. Its copy_id is the event id of the
-- PutBucketReplication that first named the destination, '#', and the destination bucket name.
-- A Disabled rule replicates nothing, so it makes no edge (and a configuration that disables a
-- destination ends that destination's edge). The request shape (bucketName, ReplicationConfiguration
-- {Role, Rule: one object or a list, each {ID, Status, Destination {Bucket, Account,
-- EncryptionConfiguration {ReplicaKmsKeyID}}}}) is inferred from the S3 API reference; no real
-- record was seen. The destination's region: the replica key's ARN, else its CreateBucket.
-- params: none. output: temp table s3_replication_edges (one row per segment of an edge).
create or replace temp table s3_replication_edges as
with changes as (
  select
    e.event_id,
    e.event_time,
    e.event_name,
    e.aws_region as region,
    e.recipient_account_id as account,
    e.request_parameters ->> 'bucketName' as bucket,
    coalesce(e.actor_arn, e.session_issuer_arn) as principal_arn,
    e.request_parameters -> 'ReplicationConfiguration' as conf
  from events e
  where e.event_source = 's3.amazonaws.com'
    and e.event_name in ('PutBucketReplication', 'DeleteBucketReplication')
    and e.error_code is null
    and nullif(e.request_parameters ->> 'bucketName', '') is not null
),
ordered as (
  select
    *,
    row_number() over (partition by account, bucket order by event_time, event_id) as seq,
    lead(event_time) over (partition by account, bucket order by event_time, event_id) as next_at
  from changes
),
rules as (
  select
    o.event_id,
    o.account,
    o.bucket,
    o.seq,
    unnest(
      case json_type(o.conf -> 'Rule')
        when 'ARRAY' then from_json(o.conf -> 'Rule', '["JSON"]')
        when 'OBJECT' then [o.conf -> 'Rule']
        else []::json[]
      end
    ) as r
  from ordered o
  where o.event_name = 'PutBucketReplication'
),
enabled as (
  select
    event_id,
    account,
    bucket,
    seq,
    r -> 'Destination' ->> 'Bucket' as dest_ref,
    nullif(r -> 'Destination' ->> 'Account', '') as dest_account,
    nullif(r -> 'Destination' -> 'EncryptionConfiguration' ->> 'ReplicaKmsKeyID', '') as replica_key
  from rules
  where lower(coalesce(r ->> 'Status', '')) = 'enabled'
),
dests as (
  -- several rules may send to one destination: one pair per configuration and destination
  select
    event_id,
    account,
    bucket,
    seq,
    dest,
    min(dest_account) as dest_account,
    min(replica_key) as replica_key
  from (
    select
      *,
      nullif(
        case when dest_ref like 'arn:%' then regexp_extract(dest_ref, '^arn:[^:]*:s3:::([^/]+)$', 1) else dest_ref end,
        ''
      ) as dest
    from enabled
  )
  where dest is not null
  group by event_id, account, bucket, seq, dest
),
runs as (
  select
    d.*,
    max(case when p.event_id is null then d.seq end) over (
      partition by d.account, d.bucket, d.dest order by d.seq rows between unbounded preceding and current row
    ) as run_seq
  from dests d
  left join dests p on p.account = d.account and p.bucket = d.bucket and p.dest = d.dest and p.seq = d.seq - 1
),
created as (
  -- where each bucket was created: the region a CreateBucket names, else the region it was logged in
  select
    e.request_parameters ->> 'bucketName' as bucket,
    e.event_time,
    coalesce(
      nullif(e.request_parameters -> 'CreateBucketConfiguration' ->> 'LocationConstraint', ''),
      e.aws_region
    ) as region
  from events e
  where e.event_source = 's3.amazonaws.com'
    and e.event_name = 'CreateBucket'
    and e.error_code is null
    and nullif(e.request_parameters ->> 'bucketName', '') is not null
)
select
  s.event_id || '#' || r.dest as copy_id,
  s.event_id as start_event_id,
  s.event_time as started_at,
  s.principal_arn as started_by,
  r.event_id as segment_event_id,
  r.seq,
  r.run_seq,
  o.event_time as segment_start,
  o.next_at as segment_end,
  s.region as region,
  r.account,
  r.bucket,
  r.dest,
  r.dest_account,
  r.replica_key,
  nullif(o.conf ->> 'Role', '') as role,
  case
    when r.replica_key like 'arn:%:kms:%' then nullif(split_part(r.replica_key, ':', 4), '')
    else (
      select c.region
      from created c
      where c.bucket = r.dest
      order by (c.event_time <= o.event_time) desc, abs(epoch(c.event_time) - epoch(o.event_time)), c.region
      limit 1
    )
  end as dest_region
from runs r
join ordered o on o.event_id = r.event_id
join ordered s on s.account = r.account and s.bucket = r.bucket and s.seq = r.run_seq
