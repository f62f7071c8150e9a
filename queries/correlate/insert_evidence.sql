-- Stores the evidence of this run. params: none. output: none.
insert into copy_evidence (copy_id, event_id, side, match)
select copy_id, event_id, side, match
from evidence_all
order by copy_id, event_id
