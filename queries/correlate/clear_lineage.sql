-- Lineage is rebuilt from events and kms_context on every run (cheap: copies are few), so the
-- same input always gives the same output. params: none. output: none.
delete from copy_evidence
