-- Artifacts backing a copy's target, named by later records (the rules' `backing`, e.g. CopyImage:
-- AWS writes "Copied for DestinationAmi ami-X …" on each snapshot it makes for an AMI copy, and a
-- later CopySnapshot of that snapshot carries the text; reference §2.2, §2.5). Each row tells which
-- artifact backs which target; the first record naming an artifact counts.
-- params: none. output: temp table ami_backing.
create or replace temp table ami_backing as
select
  m.rule_id,
  m.target_id,
  m.artifact_id,
  m.artifact_kind,
  m.region,
  m.account_id,
  m.event_id
from (
  select
    r.rule_id,
    regexp_extract(first_at(e.rec, r.backing.text_paths), r.backing.target_pattern, 1) as target_id,
    first_at(e.rec, r.backing.artifact_paths) as artifact_id,
    r.backing.artifact_pattern,
    r.backing.artifact_kind,
    first_at(e.rec, r.backing.region_paths) as region,
    first_at(e.rec, r.backing.account_paths) as account_id,
    e.event_id,
    e.event_time
  from rule_events e
  join correlate_rules r
    on r.backing.event_source = e.event_source
   and r.backing.event_name = e.event_name
) m
where m.target_id <> '' and regexp_matches(m.artifact_id, m.artifact_pattern)
qualify row_number() over (partition by m.rule_id, m.artifact_id, m.region order by m.event_time, m.event_id) = 1
