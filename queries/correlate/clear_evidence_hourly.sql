-- Replication evidence is rebuilt from kms_context on every run, like copy_evidence. params: none. output: none.
delete from copy_evidence_hourly
