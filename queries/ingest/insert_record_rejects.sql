-- Keeps every record of the batch that could not be loaded, with its raw text and location.
-- params: none. output: none.
insert into rejects (reject_id, file_id, location, record_index, reason, raw)
select
  nextval('reject_id_seq'),
  s.file_id,
  f.location,
  s.idx,
  s.reject_reason,
  s.r::varchar
from stage_records s
join ingested_files f on f.file_id = s.file_id
where s.reject_reason is not null
