-- Keeps the text of one rejected record, read again from its file, spelt as DuckDB spells a record
-- the SQL normaliser rejects. params: $file_id, $idx, $raw (the record's JSON). output: none.
update stage_records
set r = json($raw)::varchar
where file_id = $file_id
  and idx = $idx
