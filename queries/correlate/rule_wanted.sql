-- The (event source, event name) pairs the rules read: their copy calls, the service events that
-- tie to copies, and the records that name a copy's backing artifacts. params: none.
-- output: temp table rule_wanted(event_source, event_name).
create or replace temp table rule_wanted as
select event_source, api as event_name
from correlate_rules
union
select s.event_source, s.event_name
from (select unnest(service_events) as s from correlate_rules)
union
select backing.event_source, backing.event_name
from correlate_rules
where backing is not null
