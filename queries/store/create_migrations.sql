-- Bookkeeping for queries/schema/*.sql: which migrations this database already has.
-- params: none. output: none.
create table if not exists schema_migrations (
  name varchar primary key,
  applied_at timestamptz not null default current_timestamp
)
