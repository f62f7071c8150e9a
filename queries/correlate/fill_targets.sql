-- Gives each copy in service_targets its new artifact, before any evidence is joined, so the
-- artifact's own KMS records (aws:ebs:id = the new snapshot, in the destination's trail and, through
-- sharedEventID, the key owner's) attach to the copy as encryption_context. The copy keeps the
-- region and account its call named where the ARN names none. params: none. output: none.
update copy_edges
set
  target_id = t.id,
  target_arn = case when t.ref like 'arn:%' then t.ref end,
  target_region = coalesce(t.region, copy_edges.target_region),
  target_account = coalesce(t.account, copy_edges.target_account),
  target_context = case r.target_context_from when 'target_id' then t.id else copy_edges.target_context end,
  tie_fields = map {
    'source_id': copy_edges.source_id,
    'source_region': copy_edges.source_region,
    'target_id': t.id,
    'target_account': coalesce(t.account, copy_edges.target_account),
    'copy_job_id': copy_edges.copy_job_id
  }
from service_targets t, correlate_rules r
where t.copy_id = copy_edges.copy_id
  and r.rule_id = copy_edges.rule_id
