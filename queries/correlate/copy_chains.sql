-- The copy chain of every copy, stored once (schema/009_copy_chains.sql): after insert_copies has
-- set each parent_copy_id, follow parents up from each copy to the chain's root. Records may be
-- forged or odd, so the walk is bounded: it takes at most 64 parents (the depth cap) and stops as
-- soon as it comes back to the copy it started from. A self-copy (its own parent) or two copies
-- that are each other's parent are a cycle; a copy whose parents run into a cycle is one too (its
-- walk meets a copy twice); a copy with no root within 64 parents is too_long. Only a complete
-- chain names a root and a depth: nothing downstream may claim an origin the records do not show.
-- A parent id that names no stored copy ends the chain there, as a root.
-- params: none. output: none.
update copies
set
  root_copy_id = walked.root_copy_id,
  chain_depth = walked.chain_depth,
  chain = walked.chain,
  chain_status = walked.chain_status
from (
  with recursive
  link as (
    select
      c.copy_id,
      p.copy_id as parent_id
    from copies c
    left join copies p on p.copy_id = c.parent_copy_id
  ),
  up(copy_id, ancestor_id, hops) as (
    select copy_id, copy_id, 0
    from link
    union all
    select u.copy_id, l.parent_id, u.hops + 1
    from up u
    join link l on l.copy_id = u.ancestor_id
    where l.parent_id is not null
      and l.parent_id <> u.copy_id
      and u.hops < 64
  ),
  walk_end as (
    select
      u.copy_id,
      u.ancestor_id,
      u.hops,
      l.parent_id
    from up u
    join link l on l.copy_id = u.ancestor_id
    qualify row_number() over (partition by u.copy_id order by u.hops desc) = 1
  ),
  met_once as (
    select
      copy_id,
      ancestor_id,
      min(hops) as hops
    from up
    group by copy_id, ancestor_id
  ),
  chain_ids as (
    -- farthest first, sorted as a list: an ordered list() aggregate keeps a sort per copy and runs
    -- out of memory on a forged chain of 100k copies
    select
      copy_id,
      list_transform(list_sort(list({'farthest': -hops, 'copy_id': ancestor_id})), m -> m.copy_id) as chain,
      count(*) as copies_met
    from met_once
    group by copy_id
  )
  select
    e.copy_id,
    case when e.parent_id is null then e.ancestor_id end as root_copy_id,
    case when e.parent_id is null then e.hops end as chain_depth,
    i.chain,
    case
      when e.parent_id is null then 'complete'
      when e.parent_id = e.copy_id or i.copies_met < e.hops + 1 then 'cycle'
      else 'too_long'
    end as chain_status
  from walk_end e
  join chain_ids i on i.copy_id = e.copy_id
) walked
where copies.copy_id = walked.copy_id
