-- Stores the evidence of this run (a weak hint that fits several copies is counted on them, not stored). params: none. output: none.
insert into copy_evidence (copy_id, event_id, side, match)
select copy_id, event_id, side, match
from evidence_all
where match <> 'key_time_window_unattributed'
order by copy_id, event_id
