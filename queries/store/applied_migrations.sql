-- Migrations already applied. params: none. output: name.
select name
from schema_migrations
order by name
