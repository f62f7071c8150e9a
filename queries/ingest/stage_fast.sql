-- The records the prepare workers checked (ingest/normalise.ts) into stage_records: one NDJSON line
-- per record, the record as its file writes it with `_p` (the file's tag until stage_map gives its
-- id) and `_i` (its index in the file) in front and its unknown fields as `_x` behind. Every record
-- here is valid, its required fields strings and its flags booleans; the columns are derived as
-- ingest/stage_records.sql derives them. A line does not carry the record's text: `r` stays null
-- until a record is rejected (a conflict), when the loader reads it again from the file.
-- params: $paths (the batch's fast lines), $max_bytes (longest line). output: rows added to stage_records.
insert into stage_records (
  file_id, idx, r, event_id, event_time, event_time_text, event_source, event_name, event_type,
  event_version, event_category, aws_region, recipient_account_id, source_ip, user_agent,
  error_code, error_message, request_id, shared_event_id, vpc_endpoint_id, actor_type, actor_arn,
  actor_account_id, actor_principal_id, invoked_by, session_issuer_arn, read_only, management_event,
  user_identity, request_parameters, response_elements, additional_event_data,
  service_event_details, resources, tls_details, addendum, extra, reject_reason
)
select
  m.file_id, l._i, null, l.eventID, cast(l.eventTime as timestamptz), l.eventTime,
  -- proxies rewrite hosts (kms.amazonaws.com.rproxy.goskope.com): keep the service's own name; the
  -- regular expression only runs where it can match: run on every record it is a tenth of this read
  case when contains(l.eventSource, '.amazonaws.com.')
    then regexp_replace(l.eventSource, '^([a-z0-9.-]+\.amazonaws\.com)\..*$', '\1')
    else l.eventSource end,
  l.eventName, l.eventType, l.eventVersion, l.eventCategory, l.awsRegion, l.recipientAccountId,
  l.sourceIPAddress, l.userAgent, l.errorCode, l.errorMessage, l.requestID, l.sharedEventID,
  l.vpcEndpointId,
  l.actor[1], l.actor[2], l.actor[3], l.actor[4], l.actor[5], l.actor[6],
  l.readOnly, l.managementEvent,
  l.userIdentity, l.requestParameters, l.responseElements, l.additionalEventData,
  l.serviceEventDetails, l.resources, l.tlsDetails, l.addendum, l._x, null
from (
  select
    *,
    -- the actor columns, read with one parse of userIdentity: the same paths as stage_records.sql
    json_extract_string(userIdentity, [
      '$.type', '$.arn', '$.accountId', '$.principalId', '$.invokedBy', '$.sessionContext.sessionIssuer.arn'
    ]) as actor
  from read_json(
  $paths,
  format = 'newline_delimited',
  columns = {
    _p: 'BIGINT', _i: 'BIGINT', eventID: 'VARCHAR', eventTime: 'VARCHAR', eventSource: 'VARCHAR',
    eventName: 'VARCHAR', eventType: 'VARCHAR', eventVersion: 'VARCHAR', eventCategory: 'VARCHAR',
    awsRegion: 'VARCHAR', recipientAccountId: 'VARCHAR', sourceIPAddress: 'VARCHAR', userAgent:
    'VARCHAR', errorCode: 'VARCHAR', errorMessage: 'VARCHAR', requestID: 'VARCHAR', sharedEventID:
    'VARCHAR', vpcEndpointId: 'VARCHAR', readOnly: 'BOOLEAN', managementEvent: 'BOOLEAN',
    userIdentity: 'JSON', requestParameters: 'JSON', responseElements: 'JSON',
    additionalEventData: 'JSON', serviceEventDetails: 'JSON', resources: 'JSON', tlsDetails: 'JSON',
    addendum: 'JSON', _x: 'JSON'
  },
  maximum_object_size = $max_bytes
  )
) l
join stage_map m on m.p = l._p
