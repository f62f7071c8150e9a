-- Every KMS key seen in the evidence-bearing KMS records, with the aliases callers used for it,
-- whether it is a multi-Region key (mrk- id) and whether it is AWS managed (alias/aws/…).
-- A copy that named an alias and whose target record shows the key teaches that alias too.
-- params: none. output: none.
insert into kms_keys (key_arn, region, account_id, key_id, mrk, aws_managed, aliases)
with uses as (
  select key_arn, key_ref from kms_context where key_arn like 'arn:%:kms:%:key/%'
  union all
  select dest_key_arn, null from kms_context where dest_key_arn like 'arn:%:kms:%:key/%'
  union all
  select
    coalesce(k.dest_key_arn, k.key_arn), c.key_ref
  from evidence_all v
  join copy_edges c on c.copy_id = v.copy_id
  join kms_context k on k.event_id = v.event_id
  where v.match = 'encryption_context'
    and c.key_ref like 'alias/%'
)
select
  key_arn,
  split_part(key_arn, ':', 4),
  split_part(key_arn, ':', 5),
  regexp_extract(key_arn, 'key/(.+)$', 1),
  regexp_extract(key_arn, 'key/(.+)$', 1) like 'mrk-%',
  coalesce(bool_or(key_ref like 'alias/aws/%'), false),
  coalesce(list(distinct key_ref order by key_ref) filter (where key_ref like 'alias/%'), [])
from uses
where key_arn is not null
group by key_arn
