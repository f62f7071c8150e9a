-- The evidence rollup of every S3 replication edge: per side and KMS operation, the calls made by
-- the replication role (events), how many were denied, the records (a cross-account call is logged
-- in both trails), how many hours had calls, the first and last of them, and the latest hour's
-- counts. An edge with no row of evidence (SSE-S3 buckets leave no KMS record) has one row with a
-- null side. params: none. output: copy_id, role, ended_at, side, event_name, region, events,
-- denied, records, hours, first_hour, last_hour.
select
  c.copy_id,
  c.replication_role as role,
  strftime(c.ended_at, '%Y-%m-%dT%H:%M:%SZ') as ended_at,
  h.side,
  h.event_name,
  min(h.region) as region,
  coalesce(sum(h.events), 0)::bigint as events,
  coalesce(sum(h.denied), 0)::bigint as denied,
  coalesce(sum(h.records), 0)::bigint as records,
  count(h.hour)::bigint as hours,
  strftime(min(h.hour), '%Y-%m-%dT%H:%M:%SZ') as first_hour,
  strftime(max(h.hour), '%Y-%m-%dT%H:%M:%SZ') as last_hour
from copies c
left join copy_evidence_hourly h on h.copy_id = c.copy_id
where c.kind = 's3_replication'
group by c.copy_id, c.replication_role, c.ended_at, h.side, h.event_name
order by c.copy_id, h.side, h.event_name
