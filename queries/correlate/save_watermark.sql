-- Records how far kms_context reaches, after a run. params: none. output: none.
insert into correlate_state (id, watermark, correlated_at)
select 1, coalesce(max(file_id), 0), current_timestamp
from ingested_files
on conflict do update set
  watermark = excluded.watermark,
  correlated_at = excluded.correlated_at
