-- Events per service, for the demo summary. params: none. output: event_source, events.
select
  event_source,
  count(*) as events
from events
group by event_source
order by events desc, event_source
limit 10
