-- DuckDB, over cloudtrail_local (athena/local_table.sql): the KMS records by the first key of their
-- encryption context (or grant constraint, or ReEncrypt source context), failed or not, and how many
-- of each the pushed-down filter selects: what comes back and what stays in Athena, and why.
-- {{filter}} is the text of athena/lineage_filter.sql itself, with its parameters bound as
-- athenaFilter builds them. Output: context_key, failed, records, bytes, slice_records, slice_bytes.
with k as (
  select
    coalesce(
      json_keys(requestparameters, '$.encryptionContext')[1],
      json_keys(requestparameters, '$.constraints.encryptionContextSubset')[1],
      json_keys(requestparameters, '$.constraints.encryptionContextEquals')[1],
      json_keys(requestparameters, '$.sourceEncryptionContext')[1],
      '(none)'
    ) as context_key,
    errorcode is not null as failed,
    bytes,
    coalesce(({{filter}}), false) as in_slice
  from cloudtrail_local
  where eventsource = 'kms.amazonaws.com'
)
select
  context_key,
  failed,
  count(*) as records,
  sum(bytes) as bytes,
  count(*) filter (where in_slice) as slice_records,
  coalesce(sum(bytes) filter (where in_slice), 0) as slice_bytes
from k
group by all
order by records desc
