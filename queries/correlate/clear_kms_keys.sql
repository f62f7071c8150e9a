-- Empties kms_keys before it is rebuilt from events. params: none. output: none.
delete from kms_keys
