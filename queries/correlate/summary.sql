-- What correlate produced, for its summary line. params: none.
-- output: copies, failed, cross_region, cross_account, without_kms, evidence, ambiguous, artifacts, shares, keys.
select
  (select count(*) from copies)::bigint as copies,
  (select count(*) from copies where status = 'failed')::bigint as failed,
  (select count(*) from copies where target_region is not null and source_region <> target_region)::bigint as cross_region,
  (select count(*) from copies where target_account is not null and source_account <> target_account)::bigint as cross_account,
  (
    select count(*) from copies c
    where c.status <> 'failed'
      and not exists (
        select 1 from copy_evidence v join kms_context k on k.event_id = v.event_id where v.copy_id = c.copy_id
      )
      -- a replication's evidence is its hourly rollup of the role's calls that went through
      and not exists (select 1 from copy_evidence_hourly h where h.copy_id = c.copy_id and h.events > h.denied)
  )::bigint as without_kms,
  (select count(*) from copy_evidence)::bigint as evidence,
  (select count(*) from copy_evidence where match like '%_ambiguous')::bigint as ambiguous,
  (select count(*) from artifacts)::bigint as artifacts,
  (select count(*) from shares)::bigint as shares,
  (select count(*) from kms_keys)::bigint as keys
