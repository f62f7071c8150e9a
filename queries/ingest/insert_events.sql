-- Stores the new events of the batch (stage_new names them), but for those of files taken whole, in
-- the order of the batch's files. A sort by time here cost about a third of this statement on dense
-- files, and bought nothing: a batch is a small part of a row group, and the files come in time order
-- within each folder already.
-- params: none. output: none.
insert into events (
  event_id, event_time, event_source, event_name, event_type, event_version, event_category, aws_region,
  recipient_account_id, actor_type, actor_arn, actor_account_id, actor_principal_id, invoked_by,
  session_issuer_arn, source_ip, user_agent, error_code, error_message, request_id, shared_event_id,
  read_only, management_event, vpc_endpoint_id, user_identity, request_parameters, response_elements,
  additional_event_data, service_event_details, resources, tls_details, addendum, extra, file_id
)
select
  s.event_id, s.event_time, s.event_source, s.event_name, s.event_type, s.event_version,
  s.event_category, s.aws_region, s.recipient_account_id, s.actor_type, s.actor_arn,
  s.actor_account_id, s.actor_principal_id, s.invoked_by, s.session_issuer_arn, s.source_ip,
  s.user_agent, s.error_code, s.error_message, s.request_id, s.shared_event_id, s.read_only,
  s.management_event, s.vpc_endpoint_id, s.user_identity, s.request_parameters, s.response_elements,
  s.additional_event_data, s.service_event_details, s.resources, s.tls_details, s.addendum, s.extra,
  s.file_id
from stage_records s
semi join stage_new n on n.file_id = s.file_id and n.idx = s.idx
-- the records of files taken whole go straight from their files (insert_events_whole.sql)
where s.whole is null
