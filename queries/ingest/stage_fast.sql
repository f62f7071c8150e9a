-- The records the prepare workers normalised (ingest/normalise.ts), one NDJSON line each, into
-- stage_records; `p` is the file's tag until stage_map gives its id. Every record here is valid.
-- A line does not carry the record's text: `r` stays null until a record is rejected (a conflict),
-- when the loader reads it again from the file.
-- params: $path (the batch's fast lines), $max_bytes (longest line). output: rows added to stage_records.
insert into stage_records (
  file_id, idx, r, event_id, event_time, event_time_text, event_source, event_name, event_type,
  event_version, event_category, aws_region, recipient_account_id, source_ip, user_agent,
  error_code, error_message, request_id, shared_event_id, vpc_endpoint_id, actor_type, actor_arn,
  actor_account_id, actor_principal_id, invoked_by, session_issuer_arn, read_only, management_event,
  user_identity, request_parameters, response_elements, additional_event_data,
  service_event_details, resources, tls_details, addendum, extra, reject_reason
)
select
  m.file_id, l.i, null, l.event_id, cast(l.event_time_text as timestamptz), l.event_time_text,
  l.event_source, l.event_name, l.event_type, l.event_version, l.event_category, l.aws_region,
  l.recipient_account_id, l.source_ip, l.user_agent, l.error_code, l.error_message, l.request_id,
  l.shared_event_id, l.vpc_endpoint_id, l.actor_type, l.actor_arn, l.actor_account_id,
  l.actor_principal_id, l.invoked_by, l.session_issuer_arn, l.read_only, l.management_event,
  l.user_identity, l.request_parameters, l.response_elements, l.additional_event_data,
  l.service_event_details, l.resources, l.tls_details, l.addendum, l.extra, null
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {
    p: 'BIGINT', i: 'BIGINT', event_id: 'VARCHAR', event_time_text: 'VARCHAR',
    event_source: 'VARCHAR', event_name: 'VARCHAR', event_type: 'VARCHAR', event_version: 'VARCHAR',
    event_category: 'VARCHAR', aws_region: 'VARCHAR', recipient_account_id: 'VARCHAR', source_ip:
    'VARCHAR', user_agent: 'VARCHAR', error_code: 'VARCHAR', error_message: 'VARCHAR', request_id:
    'VARCHAR', shared_event_id: 'VARCHAR', vpc_endpoint_id: 'VARCHAR', actor_type: 'VARCHAR',
    actor_arn: 'VARCHAR', actor_account_id: 'VARCHAR', actor_principal_id: 'VARCHAR', invoked_by:
    'VARCHAR', session_issuer_arn: 'VARCHAR', read_only: 'BOOLEAN', management_event: 'BOOLEAN',
    user_identity: 'JSON', request_parameters: 'JSON', response_elements: 'JSON',
    additional_event_data: 'JSON', service_event_details: 'JSON', resources: 'JSON', tls_details:
    'JSON', addendum: 'JSON', extra: 'JSON'
  },
  maximum_object_size = $max_bytes
) l
join stage_map m on m.p = l.p
