-- Which file each tag of the batch's fast lines stands for: files are prepared before the loader
-- gives them their ids, in add order. params: $path (NDJSON {p, f}). output: temp table stage_map(p, file_id).
create or replace temp table stage_map as
select
  p,
  f as file_id
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {p: 'BIGINT', f: 'BIGINT'}
)
