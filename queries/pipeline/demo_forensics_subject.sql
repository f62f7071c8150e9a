-- The demo's forensics subject: the account outside the ingested organization that received the
-- most copies or shares (the exfiltration story), else the newest copy's target.
-- params: none. output: subject (one row; null when there are no copies).
select coalesce(
  (
    select x.account
    from (
      select target_account as account from copies where target_account is not null
      union all
      -- a logically air-gapped vault's share to AWS Backup's own account is no exfiltration
      select to_account
      from shares
      where action = 'added' and to_account <> 'all' and recipient_class is distinct from 'aws_backup_airgap'
    ) x
    where x.account not in (select account_id from ingest_coverage)
    group by x.account
    order by count(*) desc, x.account
    limit 1
  ),
  (select target_id from copies where target_id is not null order by requested_at desc, copy_id limit 1)
) as subject
