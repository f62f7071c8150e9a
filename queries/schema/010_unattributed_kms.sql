-- KMS records that fit a copy only by key, region and time (they name no resource) but fit several
-- copies at once, as a fleet sharing one key and one minute does: counted on each copy, listed as
-- the evidence of none. correlate fills it on its next run.
alter table copies add column if not exists kms_unattributed integer default 0;
