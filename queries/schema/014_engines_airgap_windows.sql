-- RDS-family engines, copy completion, and who a share goes to.
-- copies.engine: the database engine an RDS-style copy response names (aurora-postgresql, docdb,
-- neptune, ...), so DocumentDB and Neptune copies, logged as RDS calls, are told apart.
-- copies.completed_at: when the copy is known to have finished (a completing service event, or the
-- request of a later copy of its target); its evidence windows end there (plus clock skew).
-- shares.recipient_class: account | public | aws_backup_airgap (a logically air-gapped vault's share
-- to the AWS Backup service account, made by AWS Backup for a copy job into that vault).
-- correlate fills all three on its next run.
alter table copies add column if not exists engine varchar;
alter table copies add column if not exists completed_at timestamptz;
alter table shares add column if not exists recipient_class varchar;
