-- Marks one migration applied. params: $name. output: none.
insert into schema_migrations (name)
values ($name)
