-- The baseline copytrail's ingest is measured against: DuckDB's own read_json of the same trail
-- files straight into a table, with the explicit column list STACK.md recommends and no ledger,
-- dedup, reject handling or normalisation. DuckDB holds per-file state for the whole statement,
-- so the bench feeds it chunks of files. params: $files (list of paths), $max_bytes. output: none.
insert into bench_raw
select
  r.eventID as event_id,
  r.eventTime as event_time,
  r.eventSource as event_source,
  r.eventName as event_name,
  r.awsRegion as aws_region,
  r.recipientAccountId as recipient_account_id,
  r.userIdentity as user_identity,
  r.requestParameters as request_parameters,
  r.responseElements as response_elements,
  r.resources as resources,
  r.requestID as request_id,
  r.errorCode as error_code
from (
  select unnest(Records) as r
  from read_json(
    $files,
    columns = {Records: 'STRUCT(eventVersion VARCHAR, userIdentity JSON, eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, awsRegion VARCHAR, sourceIPAddress VARCHAR, userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR, requestParameters JSON, responseElements JSON, additionalEventData JSON, requestID VARCHAR, eventID VARCHAR, eventType VARCHAR, readOnly VARCHAR, resources JSON, recipientAccountId VARCHAR, serviceEventDetails JSON, sharedEventID VARCHAR)[]'},
    format = 'auto',
    maximum_object_size = $max_bytes
  )
)
