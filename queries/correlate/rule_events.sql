-- The records the rules read: their copy calls, the service events that tie to copies, and the
-- records that name a copy's backing artifacts, each with rec, the record's fields as one JSON object
-- for the rules' paths (correlate/rules/rule.ts RECORD_FIELDS). params: none (the variable
-- rule_event_names, set just before).
-- output: temp table rule_events.
create or replace temp table rule_events as
with wanted as (
  select event_source, api as event_name
  from correlate_rules
  union
  select s.event_source, s.event_name
  from (select unnest(service_events) as s from correlate_rules)
  union
  select backing.event_source, backing.event_name
  from correlate_rules
  where backing is not null
)
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
semi join wanted w on w.event_source = e.event_source and w.event_name = e.event_name
-- the same names, as a list the scan tests before it reads the JSON columns
-- (correlate/rule_event_names.sql)
where list_contains(getvariable('rule_event_names'), e.event_name)
