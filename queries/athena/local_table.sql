-- DuckDB: the Athena CloudTrail table (athena/create_table.sql) as DuckDB reads the same trail files,
-- so that athena/lineage_filter.sql runs here unchanged and selects what Athena would. Only the
-- columns the filter reads are made, named and typed as Athena's: requestparameters is the JSON
-- text (SQL NULL for a JSON null, as the table reads it), and account_id, region and log_date come
-- from each file's folder, as partition projection reads them. record is the record's JSON text and
-- bytes its length: what a query returning whole records would bring back.
-- Each record's fields are taken in one JSON parse (a list of paths). Slot: {{files}}, a glob or
-- path from quoteLiteral ('duckdb'). Output: a temp view cloudtrail_local.
create or replace temp view cloudtrail_local as
with r as (
  select
    filename as file,
    unnest(Records) as record
  from read_json({{files}}, columns = {Records: 'JSON[]'}, filename = true, format = 'auto',
                 maximum_object_size = 536870912)
),
f as (
  select
    file,
    record,
    json_extract_string(record, ['$.eventSource', '$.eventName', '$.eventTime', '$.errorCode']) as s,
    json_extract(record, '$.requestParameters') as rp,
    regexp_extract(file, '/AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/([a-z0-9-]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/',
                   ['account_id', 'region', 'log_date']) as part
  from r
)
select
  file,
  record,
  strlen(record::varchar) as bytes,
  s[1] as eventsource,
  s[2] as eventname,
  s[3] as eventtime,
  s[4] as errorcode,
  case when rp is null or json_type(rp) = 'NULL' then null else rp::varchar end as requestparameters,
  part.account_id as account_id,
  part.region as region,
  part.log_date as log_date
from f
