-- The declarative rules of correlate/rules/*.ts, written by correlate as NDJSON: per copy API its
-- kind, which context its KMS records carry, and the time windows the joins use.
-- params: $path, $max_bytes. output: temp table correlate_rules.
create or replace temp table correlate_rules as
select *
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {
    rule_id: 'VARCHAR', api: 'VARCHAR', kind: 'VARCHAR', context: 'VARCHAR',
    target_before_s: 'INTEGER', target_after_s: 'INTEGER', source_before_s: 'INTEGER',
    source_after_s: 'INTEGER', pick_window_s: 'INTEGER', weak_window_s: 'INTEGER',
    service_before_s: 'INTEGER', service_after_s: 'INTEGER'
  },
  maximum_object_size = $max_bytes
)
