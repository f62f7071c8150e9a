-- Events for export: every column, JSON columns as JSON text, optionally inside a window.
-- params: $since, $until (ISO text or null).
select
  event_id, event_time, event_source, event_name, event_type, event_version, event_category,
  aws_region, recipient_account_id,
  actor_type, actor_arn, actor_account_id, actor_principal_id, invoked_by, session_issuer_arn,
  source_ip, user_agent, error_code, error_message, request_id, shared_event_id, read_only,
  management_event, vpc_endpoint_id,
  user_identity::varchar as user_identity,
  request_parameters::varchar as request_parameters,
  response_elements::varchar as response_elements,
  additional_event_data::varchar as additional_event_data,
  service_event_details::varchar as service_event_details,
  resources::varchar as resources,
  tls_details::varchar as tls_details,
  addendum::varchar as addendum,
  extra::varchar as extra,
  file_id
from events
where ($since::varchar is null or event_time >= $since::timestamptz)
  and ($until::varchar is null or event_time < $until::timestamptz)
order by event_time, event_id
