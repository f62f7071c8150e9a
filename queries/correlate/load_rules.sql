-- The declarative rules of correlate/rules/*.ts, written by correlate as NDJSON (ruleRow in
-- correlate/rules/rule.ts): per copy API its event, kind, the JSON paths of each part of its record,
-- which calls count (only_paths), whether it is a configuration (active until an `ends` service event),
-- its KMS operations and context keys, its service events, the records naming its backing artifacts,
-- and the time windows its joins use. params: $path, $max_bytes. output: temp table correlate_rules.
create or replace temp table correlate_rules as
select *
from read_json(
  $path,
  format = 'newline_delimited',
  columns = {
    rule_id: 'VARCHAR', event_source: 'VARCHAR', api: 'VARCHAR', kind: 'VARCHAR', mechanism: 'VARCHAR',
    source_ref_paths: 'VARCHAR[]', source_region_paths: 'VARCHAR[]', source_account_paths: 'VARCHAR[]',
    source_from_arn: 'VARCHAR',
    target_ref_paths: 'VARCHAR[]', target_arn_paths: 'VARCHAR[]', target_region_paths: 'VARCHAR[]',
    target_account_paths: 'VARCHAR[]', target_from_arn: 'VARCHAR', target_arn_of: 'VARCHAR',
    only_paths: 'VARCHAR[]', configuration: 'BOOLEAN', in_place: 'BOOLEAN',
    key_ref_paths: 'VARCHAR[]', copy_context_paths: 'VARCHAR[]', engine_paths: 'VARCHAR[]', backup_vault_paths: 'VARCHAR[]',
    copy_job_id_paths: 'VARCHAR[]', error_code_paths: 'VARCHAR[]',
    kms_operations: 'VARCHAR[]', context_keys: 'VARCHAR[]',
    source_context_from: 'VARCHAR', target_context_from: 'VARCHAR',
    service_events: 'STRUCT(
      event_source VARCHAR, event_name VARCHAR, side VARCHAR, mechanism VARCHAR,
      completes_path VARCHAR, completes_value VARCHAR, ends BOOLEAN, fails_path VARCHAR, fails_values VARCHAR[],
      target_ref_paths VARCHAR[],
      ties STRUCT(in_window BOOLEAN, tests STRUCT(path VARCHAR, field VARCHAR, test VARCHAR, prefix VARCHAR)[])[],
      alone STRUCT(
        source_id_paths VARCHAR[], source_region_paths VARCHAR[], source_account_paths VARCHAR[],
        target_account_paths VARCHAR[]
      )
    )[]',
    backing: 'STRUCT(
      event_source VARCHAR, event_name VARCHAR, text_paths VARCHAR[], target_pattern VARCHAR,
      artifact_paths VARCHAR[], artifact_pattern VARCHAR, artifact_kind VARCHAR,
      region_paths VARCHAR[], account_paths VARCHAR[]
    )',
    target_before_s: 'INTEGER', target_after_s: 'INTEGER', source_before_s: 'INTEGER',
    source_after_s: 'INTEGER', pick_window_s: 'INTEGER', weak_window_s: 'INTEGER',
    service_before_s: 'INTEGER', service_after_s: 'INTEGER', after_completion_s: 'INTEGER'
  },
  maximum_object_size = $max_bytes
)
