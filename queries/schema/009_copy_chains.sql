-- The copy chain, stored once on each copy by correlate (queries/correlate/copy_chains.sql) so the
-- lineage command and every report read it instead of walking parent_copy_id themselves.
-- parent_copy_id is the one edge a chain follows: the latest successful copy whose target is this
-- copy's source (same id, same region) requested at or before this copy's request, the lower
-- copy_id on a tie; else the CopyImage whose AMI this copy's source snapshot backs.
--   root_copy_id  the chain's first copy: the one whose source was never seen as a copy's target
--   chain_depth   parents followed from this copy to the root: 0 for a root, at most 64
--   chain         copy ids from the root to this copy, this copy last; for a cycle, each copy met
--                 once following parents, farthest first; for too_long, the 65 nearest
--   chain_status  complete (the root was reached) | cycle (the parents loop back on themselves) |
--                 too_long (no root within 64 parents); root and depth are null unless complete
-- A store migrated from before this has nulls here until its next correlate run fills them.
alter table copies add column if not exists root_copy_id varchar;
alter table copies add column if not exists chain_depth integer;
alter table copies add column if not exists chain varchar[];
alter table copies add column if not exists chain_status varchar;
