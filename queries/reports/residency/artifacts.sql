-- Every artifact location seen being made up to the end of the window (data that still sits there
-- unless a deletion is ingested). params: $until (ISO text or null), $originals (true: only the
-- artifacts not made by a copy, the ones residency judges by where they were made; the copies are
-- judged from copies, and artifact_regions counts every artifact). output: artifact_id, arn, kind,
-- region, account_id, created_at, origin, context_id, key_arn, created_event_id.
select
  artifact_id,
  arn,
  kind,
  region,
  account_id,
  strftime(created_at::timestamp, '%Y-%m-%dT%H:%M:%SZ') as created_at,
  origin,
  context_id,
  key_arn,
  created_event_id
from artifacts
where ($until::timestamptz is null or created_at < $until::timestamptz)
  and (not $originals::boolean or origin is distinct from 'copy')
order by region, account_id, created_at, artifact_id
