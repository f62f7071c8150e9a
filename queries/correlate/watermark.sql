-- How far kms_context reaches (the last file whose KMS events are in it), and the last file loaded.
-- params: none. output: watermark, upto.
select
  coalesce((select max(watermark) from correlate_state), 0)::bigint as watermark,
  coalesce((select max(file_id) from ingested_files), 0)::bigint as upto
