-- Stores the new events of the batch. params: none. output: none.
insert into events (
  event_id, event_time, event_source, event_name, event_type, event_version, event_category, aws_region,
  recipient_account_id, actor_type, actor_arn, actor_account_id, actor_principal_id, invoked_by,
  session_issuer_arn, source_ip, user_agent, error_code, error_message, request_id, shared_event_id,
  read_only, management_event, vpc_endpoint_id, user_identity, request_parameters, response_elements,
  additional_event_data, service_event_details, resources, tls_details, addendum, extra, file_id
)
select
  event_id, event_time, event_source, event_name, event_type, event_version, event_category, aws_region,
  recipient_account_id, actor_type, actor_arn, actor_account_id, actor_principal_id, invoked_by,
  session_issuer_arn, source_ip, user_agent, error_code, error_message, request_id, shared_event_id,
  read_only, management_event, vpc_endpoint_id, user_identity, request_parameters, response_elements,
  additional_event_data, service_event_details, resources, tls_details, addendum, extra, file_id
from stage_new
order by event_time
