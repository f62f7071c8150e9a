-- Empties artifact_keys before it is rebuilt from events. params: none. output: none.
delete from artifact_keys
