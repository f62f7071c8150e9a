-- Every value a forensics subject can name, to suggest the closest when a subject matches nothing:
-- artifact ids and ARNs, accounts, principals and keys seen on copies, artifacts and shares.
-- params: none. output: value.
select distinct value
from (
  select unnest([source_id, target_id, source_arn, target_arn, source_account, target_account,
                 principal_arn, source_key_arn, target_key_arn]) as value
  from copies
  union all
  select unnest([artifact_id, arn, account_id, key_arn]) from artifacts
  union all
  select unnest([artifact_id, from_account, to_account]) from shares
)
where value is not null and value <> 'all'
order by value
