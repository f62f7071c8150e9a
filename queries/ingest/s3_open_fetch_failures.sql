-- Objects whose last fetch failed and that no run has loaded since. params: $source.
-- output: location, attempts, error.
select
  location,
  attempts,
  error
from fetch_failures
where source = $source
  and resolved_at is null
order by location
