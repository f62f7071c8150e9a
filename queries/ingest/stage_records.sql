-- The one normalizer: every raw CloudTrail record of the batch to the canonical event columns, plus
-- the reason a record cannot be loaded (null when it can). Unknown top-level fields go to `extra`.
-- Records the prepare workers did not normalise arrive here as NDJSON lines (stage_files).
-- params: none. output: rows added to temp table stage_records (ingest/stage_records_create).
insert into stage_records (
  file_id, idx, r, event_id, event_time, event_time_text, event_source, event_name, event_type,
  event_version, event_category, aws_region, recipient_account_id, source_ip, user_agent, error_code,
  error_message, request_id, shared_event_id, vpc_endpoint_id, actor_type, actor_arn, actor_account_id,
  actor_principal_id, invoked_by, session_issuer_arn, read_only, management_event, user_identity,
  request_parameters, response_elements, additional_event_data, service_event_details, resources,
  tls_details, addendum, extra, reject_reason
)
with raw as (
  select
    _f as file_id,
    unnest(Records) as r,
    unnest(generate_series(0, len(Records) - 1)) as idx
  from stage_files
  where len(Records) > 0
),
typed as (
  select
    file_id,
    idx,
    r,
    json_type(r) as jtype,
    -- keys of the record written twice: readers disagree on which value counts (DuckDB takes the
    -- first, JSON.parse the last), and a column holds one, so such a record is refused by name. (In a
    -- nested object, such as requestParameters, both stay in the stored JSON as written, and every
    -- path reads them the same way.)
    case when json_type(r) = 'OBJECT' then list_sort(list_filter(
      list_distinct(json_keys(r)), lambda k: len(list_filter(json_keys(r), lambda x: x = k)) > 1
    )) end as twice,
    case when json_type(r) = 'OBJECT' then json_transform(r, '{
      "eventVersion": "VARCHAR", "userIdentity": "JSON", "eventTime": "JSON", "eventSource": "JSON",
      "eventName": "JSON", "awsRegion": "VARCHAR", "sourceIPAddress": "VARCHAR", "userAgent": "VARCHAR",
      "errorCode": "VARCHAR", "errorMessage": "VARCHAR", "requestParameters": "JSON", "responseElements": "JSON",
      "additionalEventData": "JSON", "requestID": "VARCHAR", "eventID": "JSON", "eventType": "VARCHAR",
      "readOnly": "VARCHAR", "resources": "JSON", "recipientAccountId": "VARCHAR", "serviceEventDetails": "JSON",
      "sharedEventID": "VARCHAR", "eventCategory": "VARCHAR", "managementEvent": "VARCHAR",
      "vpcEndpointId": "VARCHAR", "tlsDetails": "JSON", "addendum": "JSON"
    }') end as s
  from raw
),
normal as (
  select
    file_id,
    idx,
    r,
    jtype,
    twice,
    -- the required fields are read as JSON so a number or object there is caught, not coerced
    case when json_type(s.eventID) = 'VARCHAR' then s.eventID ->> '$' end as event_id,
    try_cast(s.eventTime ->> '$' as timestamptz) as event_time,
    case when json_type(s.eventTime) = 'VARCHAR' then s.eventTime ->> '$' end as event_time_text,
    -- proxies rewrite hosts (kms.amazonaws.com.rproxy.goskope.com): keep the service's own name
    case when json_type(s.eventSource) = 'VARCHAR'
      then regexp_replace(s.eventSource ->> '$', '^([a-z0-9.-]+\.amazonaws\.com)\..*$', '\1') end as event_source,
    case when json_type(s.eventName) = 'VARCHAR' then s.eventName ->> '$' end as event_name,
    concat_ws(', ',
      case when s.eventID is not null and json_type(s.eventID) not in ('VARCHAR', 'NULL') then 'eventID' end,
      case when s.eventTime is not null and json_type(s.eventTime) not in ('VARCHAR', 'NULL') then 'eventTime' end,
      case when s.eventSource is not null and json_type(s.eventSource) not in ('VARCHAR', 'NULL') then 'eventSource' end,
      case when s.eventName is not null and json_type(s.eventName) not in ('VARCHAR', 'NULL') then 'eventName' end
    ) as not_strings,
    s.eventType as event_type,
    s.eventVersion as event_version,
    s.eventCategory as event_category,
    s.awsRegion as aws_region,
    s.recipientAccountId as recipient_account_id,
    s.userIdentity ->> 'type' as actor_type,
    s.userIdentity ->> 'arn' as actor_arn,
    s.userIdentity ->> 'accountId' as actor_account_id,
    s.userIdentity ->> 'principalId' as actor_principal_id,
    s.userIdentity ->> 'invokedBy' as invoked_by,
    s.userIdentity -> 'sessionContext' -> 'sessionIssuer' ->> 'arn' as session_issuer_arn,
    s.sourceIPAddress as source_ip,
    s.userAgent as user_agent,
    s.errorCode as error_code,
    s.errorMessage as error_message,
    s.requestID as request_id,
    s.sharedEventID as shared_event_id,
    try_cast(s.readOnly as boolean) as read_only,
    try_cast(s.managementEvent as boolean) as management_event,
    s.vpcEndpointId as vpc_endpoint_id,
    s.userIdentity as user_identity,
    s.requestParameters as request_parameters,
    s.responseElements as response_elements,
    s.additionalEventData as additional_event_data,
    s.serviceEventDetails as service_event_details,
    s.resources as resources,
    s.tlsDetails as tls_details,
    s.addendum as addendum,
    case when jtype = 'OBJECT' then nullif(json_merge_patch(r, '{
      "eventVersion": null, "userIdentity": null, "eventTime": null, "eventSource": null, "eventName": null,
      "awsRegion": null, "sourceIPAddress": null, "userAgent": null, "errorCode": null, "errorMessage": null,
      "requestParameters": null, "responseElements": null, "additionalEventData": null, "requestID": null,
      "eventID": null, "eventType": null, "readOnly": null, "resources": null, "recipientAccountId": null,
      "serviceEventDetails": null, "sharedEventID": null, "eventCategory": null, "managementEvent": null,
      "vpcEndpointId": null, "tlsDetails": null, "addendum": null
    }')::varchar, '{}')::json end as extra
  from typed
)
select
  file_id, idx, r, event_id, event_time, event_time_text, event_source, event_name, event_type,
  event_version, event_category, aws_region, recipient_account_id, source_ip, user_agent, error_code,
  error_message, request_id, shared_event_id, vpc_endpoint_id, actor_type, actor_arn, actor_account_id,
  actor_principal_id, invoked_by, session_issuer_arn, read_only, management_event, user_identity,
  request_parameters, response_elements, additional_event_data, service_event_details, resources,
  tls_details, addendum, extra,
  case
    when jtype is distinct from 'OBJECT' then 'record is not a JSON object'
    when len(twice) > 0 then 'key written twice: ' || array_to_string(list_slice(twice, 1, 10), ', ')
      || case when len(twice) > 10 then ' and ' || (len(twice) - 10) || ' more' else '' end
    when event_id is null and event_name is null and json_exists(r, '$."detail-type"')
      then 'EventBridge event, not a CloudTrail record (detail-type ' || coalesce(r ->> '$."detail-type"', '?') || ')'
    when not_strings <> '' then 'required field(s) not a string: ' || not_strings
    when event_id is null or event_time_text is null or event_source is null or event_name is null
      then 'missing required field(s): ' || concat_ws(', ',
        case when event_id is null then 'eventID' end,
        case when event_time_text is null then 'eventTime' end,
        case when event_source is null then 'eventSource' end,
        case when event_name is null then 'eventName' end)
    when event_id = '' or event_source = '' or event_name = '' then 'required field is an empty string'
    when event_time is null then 'eventTime is not a timestamp: ' || event_time_text
  end as reject_reason
from normal
