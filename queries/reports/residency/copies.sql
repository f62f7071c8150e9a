-- The copies residency judges, with only what it reads of each: where the data went, by which call,
-- who asked and when, the key it went under, the stored chain (queries/correlate/copy_chains.sql)
-- and when a replication ended. Lighter than reports/common/copies (no evidence lists, no
-- deletions, no origin): on 20k copies the reading and checking of rows was most of the report's time.
-- params: $since, $until (ISO text or null). output: copy_id, kind, api, status, requested_at,
-- request_event_id, principal_arn, source_id, source_region, source_account, target_id, target_arn,
-- target_region, target_account, target_key_arn, chain, chain_status, ended_at.
select
  c.copy_id,
  c.kind,
  c.api,
  c.status,
  strftime(c.requested_at::timestamp, '%Y-%m-%dT%H:%M:%SZ') as requested_at,
  c.request_event_id,
  c.principal_arn,
  c.source_id,
  c.source_region,
  c.source_account,
  c.target_id,
  c.target_arn,
  c.target_region,
  c.target_account,
  c.target_key_arn,
  c.chain,
  c.chain_status,
  strftime(c.ended_at::timestamp, '%Y-%m-%dT%H:%M:%SZ') as ended_at
from copies c
where ($since::timestamptz is null or c.requested_at >= $since::timestamptz)
  and ($until::timestamptz is null or c.requested_at < $until::timestamptz)
order by c.requested_at, c.copy_id
