-- What the current batch held: records, rejected records and new events. params: none.
-- output: records, rejected, added.
select
  (select count(*) from stage_records)::bigint as records,
  (select count(reject_reason) from stage_records)::bigint as rejected,
  (select count(*) from stage_new)::bigint as added
