-- For each trail file taken whole, its tag and the indexes of its records that are not new events
-- (repeats in the batch, events stored already, conflicts): insert_events_whole.sql skips them by
-- index as it reads the file, so its read stays one pass without a join on every record.
-- params: none. output: temp table stage_whole_map(p, file_id, skip).
create or replace temp table stage_whole_map as
select
  m.p,
  m.file_id,
  coalesce(list(s.idx order by s.idx) filter (where n.idx is null), []::bigint[]) as skip
from stage_records s
join stage_map m on m.file_id = s.file_id
left join stage_new n on n.file_id = s.file_id and n.idx = s.idx
where s.whole
group by m.p, m.file_id
