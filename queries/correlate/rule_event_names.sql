-- The event names the rules read (their copy calls, the service events that tie to copies, and the
-- records that name a copy's backing artifacts), as a variable for correlate/rule_events.sql: a list
-- known before the scan lets DuckDB test each stored event's name first and read the wide columns
-- of the few that match (at 10M events, 0.05 s instead of 1.1 to 4.5 s). params: none.
-- output: variable rule_event_names.
set variable rule_event_names = (
  select list(distinct name order by name)
  from (
    select api as name from correlate_rules
    union all
    select s.event_name from (select unnest(service_events) as s from correlate_rules)
    union all
    select backing.event_name from correlate_rules where backing is not null
  )
)
