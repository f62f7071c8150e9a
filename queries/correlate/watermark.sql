-- The last file whose KMS events are in kms_context. params: none. output: watermark.
select coalesce(max(watermark), 0)::bigint as watermark
from correlate_state
