-- Empty table for the raw DuckDB baseline. params: none. output: none.
create or replace table bench_raw (
  event_id varchar,
  event_time varchar,
  event_source varchar,
  event_name varchar,
  aws_region varchar,
  recipient_account_id varchar,
  user_identity json,
  request_parameters json,
  response_elements json,
  resources json,
  request_id varchar,
  error_code varchar
)
