-- The copies a forensics subject touches, then their whole lineage component (every copy linked
-- to them through sources and targets: up to the origin and down to every descendant). The subject is an artifact id or ARN, a key
-- ARN or id, a principal ARN (a role ARN also matches its sessions) or an account id.
-- params: $subject (text), $since, $until (ISO text or null). output: copy_id.
with recursive seed as (
  select c.copy_id
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
walk(copy_id, depth) as (
  select copy_id, 0 from seed
  union
  select n.copy_id, w.depth + 1
  from walk w
  join copies c on c.copy_id = w.copy_id
  join copies n
    on (n.source_id = c.target_id and n.source_region = c.target_region)
    or (n.source_id = c.source_id and n.source_region = c.source_region)
    or (n.target_id = c.source_id and n.target_region = c.source_region)
    or n.parent_copy_id = c.copy_id
    or n.copy_id = c.parent_copy_id
  where w.depth < 32
)
select distinct copy_id from walk order by copy_id
