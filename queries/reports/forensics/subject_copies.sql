-- The copies a forensics subject touches, then their whole lineage, read from the copy chain
-- correlate stored on each copy (queries/correlate/copy_chains.sql) rather than walked again here:
-- every copy on a touched copy's chain (up to its origin), every copy whose chain passes through
-- one of those (every descendant), and every chain that starts from the same origin artifact (the
-- other copies made from it, and theirs). A chain that loops or runs past the depth cap has no
-- root: its members and their descendants are still listed, no origin is claimed for them.
-- The subject is an artifact id or ARN, a key ARN or id, a principal ARN (a role ARN also matches
-- its sessions) or an account id.
-- params: $subject (text), $since, $until (ISO text or null). output: copy_id.
with seed as (
  select c.copy_id, c.chain, c.root_copy_id
  from copies c
  where ($since::timestamptz is null or c.requested_at >= $since::timestamptz)
    and ($until::timestamptz is null or c.requested_at < $until::timestamptz)
    and (
      $subject in (c.source_id, c.target_id, c.source_arn, c.target_arn, c.copy_id, c.source_account, c.target_account)
      or $subject in (c.source_key_arn, c.target_key_arn)
      or regexp_extract(c.source_key_arn, 'key/(.+)$', 1) = $subject
      or regexp_extract(c.target_key_arn, 'key/(.+)$', 1) = $subject
      or c.principal_arn = $subject
      or (c.principal_arn like 'arn:%:sts::%:assumed-role/%'
          and $subject like 'arn:%:iam::%:role/%'
          and split_part(c.principal_arn, '/', 2) = split_part($subject, '/', -1)
          and split_part(c.principal_arn, ':', 5) = split_part($subject, ':', 5))
    )
),
-- the touched copies and everything up their chains
members as (
  select distinct unnest(coalesce(chain, [copy_id])) as copy_id from seed
),
-- the artifacts those chains started from
origins as (
  select distinct r.source_id, r.source_region
  from seed s
  join copies r on r.copy_id = s.root_copy_id
  where r.source_id is not null
),
-- every complete chain that starts from one of those origins
kin_roots as (
  select r.copy_id
  from copies r
  join origins o on o.source_id = r.source_id and o.source_region is not distinct from r.source_region
  where r.chain_depth = 0
)
select c.copy_id
from copies c
where c.copy_id in (select copy_id from members)
  or c.root_copy_id in (select copy_id from kin_roots)
  or list_has_any(c.chain, (select coalesce(list(copy_id), []) from members))
order by c.copy_id
