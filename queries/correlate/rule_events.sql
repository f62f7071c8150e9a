-- The records the rules read (rule_wanted), each with rec, the record's fields as one JSON object
-- for the rules' paths (correlate/rules/rule.ts RECORD_FIELDS). params: none (rule_wanted and the
-- variable rule_event_names, made just before). output: temp table rule_events.
create or replace temp table rule_events as
select
  e.event_id,
  e.event_time,
  e.event_source,
  e.event_name,
  e.aws_region,
  e.recipient_account_id,
  e.actor_type,
  e.actor_arn,
  e.actor_account_id,
  e.invoked_by,
  e.session_issuer_arn,
  e.user_agent,
  e.request_id,
  json_object(
    'awsRegion', e.aws_region,
    'recipientAccountId', e.recipient_account_id,
    'errorCode', e.error_code,
    'userIdentity', e.user_identity,
    'requestParameters', e.request_parameters,
    'responseElements', e.response_elements,
    'serviceEventDetails', e.service_event_details,
    'additionalEventData', e.additional_event_data
  ) as rec
from events e
semi join rule_wanted w on w.event_source = e.event_source and w.event_name = e.event_name
-- the same names, as a list the scan tests before it reads the JSON columns
-- (correlate/rule_event_names.sql)
where list_contains(getvariable('rule_event_names'), e.event_name)
