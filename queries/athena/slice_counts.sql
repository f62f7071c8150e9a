-- DuckDB, over cloudtrail_local (athena/local_table.sql): every record and the slice the pushed-down
-- filter selects, counted and measured per event source, in one scan. KMS records are told apart
-- further by the first key of their encryption context (or grant constraint, or ReEncrypt source
-- context; '(none)' without one) and by whether the call failed: what comes back, what stays in
-- Athena, and why. {{filter}} is the text of athena/lineage_filter.sql itself, with its parameters
-- bound as athenaFilter builds them.
-- Output: event_source, context_key (KMS only), failed, records, bytes, slice_records, slice_bytes.
with t as (
  select
    eventsource,
    case when eventsource = 'kms.amazonaws.com' then
      coalesce(
        json_keys(requestparameters, '$.encryptionContext')[1],
        json_keys(requestparameters, '$.constraints.encryptionContextSubset')[1],
        json_keys(requestparameters, '$.constraints.encryptionContextEquals')[1],
        json_keys(requestparameters, '$.sourceEncryptionContext')[1],
        '(none)'
      )
    end as context_key,
    errorcode is not null as failed,
    bytes,
    coalesce(({{filter}}), false) as in_slice
  from cloudtrail_local
)
select
  eventsource as event_source,
  context_key,
  failed,
  count(*) as records,
  sum(bytes) as bytes,
  count(*) filter (where in_slice) as slice_records,
  coalesce(sum(bytes) filter (where in_slice), 0) as slice_bytes
from t
group by all
order by records desc
