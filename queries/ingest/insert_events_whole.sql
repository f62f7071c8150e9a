-- Stores the new events of the batch's trail files taken whole (ingest/typed-trail.ts): one NDJSON
-- line per file, the file as written with `_p` (its tag) in front. DuckDB reads each record's fields
-- straight into typed columns and writes them to events in the same statement, without a copy in
-- stage_records (which holds only their keys, from stage_whole.sql): one large statement that DuckDB
-- writes in parallel. Every record here is an object of known fields, its required fields strings and
-- its flags booleans, so the columns are derived as ingest/stage_fast.sql derives them from a line per
-- record. The fields without a column that CloudTrail writes (TYPED_EXTRA in ingest/typed-trail.ts,
-- in its order, never null here) are joined into `extra` in the record's order, as the SQL normaliser
-- keeps them. The records stage_new leaves out are skipped by their index (stage_whole_map). DuckDB
-- refuses the whole statement on a key written twice in a record; the loader then rolls the batch
-- back and takes these files a line per record instead.
-- params: $paths (the batch's whole-file lines, in files of a few MB), $max_bytes (longest line).
-- output: rows added to events.
insert into events (
  event_id, event_time, event_source, event_name, event_type, event_version, event_category, aws_region,
  recipient_account_id, actor_type, actor_arn, actor_account_id, actor_principal_id, invoked_by,
  session_issuer_arn, source_ip, user_agent, error_code, error_message, request_id, shared_event_id,
  read_only, management_event, vpc_endpoint_id, user_identity, request_parameters, response_elements,
  additional_event_data, service_event_details, resources, tls_details, addendum, extra, file_id
)
select
  l.r.eventID, cast(l.r.eventTime as timestamptz),
  -- proxies rewrite hosts (kms.amazonaws.com.rproxy.goskope.com): keep the service's own name
  case when contains(l.r.eventSource, '.amazonaws.com.')
    then regexp_replace(l.r.eventSource, '^([a-z0-9.-]+\.amazonaws\.com)\..*$', '\1')
    else l.r.eventSource end,
  l.r.eventName, l.r.eventType, l.r.eventVersion, l.r.eventCategory, l.r.awsRegion,
  l.r.recipientAccountId,
  l.actor[1], l.actor[2], l.actor[3], l.actor[4], l.actor[5], l.actor[6],
  l.r.sourceIPAddress, l.r.userAgent, l.r.errorCode, l.r.errorMessage, l.r.requestID,
  l.r.sharedEventID, l.r.readOnly, l.r.managementEvent, l.r.vpcEndpointId,
  l.r.userIdentity, l.r.requestParameters, l.r.responseElements, l.r.additionalEventData,
  l.r.serviceEventDetails, l.r.resources, l.r.tlsDetails, l.r.addendum,
  case when coalesce(
    l.r.apiVersion, l.r.vpcEndpointAccountId, l.r.sessionCredentialFromConsole, l.r.edgeDeviceDetails
  ) is not null then ('{' || concat_ws(',',
    '"apiVersion":' || l.r.apiVersion,
    '"vpcEndpointAccountId":' || l.r.vpcEndpointAccountId,
    '"sessionCredentialFromConsole":' || l.r.sessionCredentialFromConsole,
    '"edgeDeviceDetails":' || l.r.edgeDeviceDetails
  ) || '}')::json end,
  m.file_id
from (
  select
    u._p,
    u.r,
    u.i,
    -- the actor columns, read with one parse of userIdentity: the same paths as stage_records.sql
    json_extract_string(u.r.userIdentity, [
      '$.type', '$.arn', '$.accountId', '$.principalId', '$.invokedBy', '$.sessionContext.sessionIssuer.arn'
    ]) as actor
  from (
    select _p, unnest(Records) as r, generate_subscripts(Records, 1) as i
    from read_json(
      $paths,
      format = 'newline_delimited',
      columns = {
        _p: 'BIGINT',
        Records: 'STRUCT(
          eventID VARCHAR, eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, eventType VARCHAR,
          eventVersion VARCHAR, eventCategory VARCHAR, awsRegion VARCHAR, recipientAccountId VARCHAR,
          sourceIPAddress VARCHAR, userAgent VARCHAR, errorCode VARCHAR, errorMessage VARCHAR,
          requestID VARCHAR, sharedEventID VARCHAR, vpcEndpointId VARCHAR, readOnly BOOLEAN,
          managementEvent BOOLEAN, userIdentity JSON, requestParameters JSON, responseElements JSON,
          additionalEventData JSON, serviceEventDetails JSON, resources JSON, tlsDetails JSON,
          addendum JSON, apiVersion JSON, vpcEndpointAccountId JSON,
          sessionCredentialFromConsole JSON, edgeDeviceDetails JSON
        )[]'
      },
      maximum_object_size = $max_bytes
    )
  ) u
) l
join stage_whole_map m on m.p = l._p
-- the records stage_new does not name: repeats, events stored already, conflicts
where not list_contains(m.skip, l.i - 1)
