-- Empties shares before it is rebuilt from events. params: none. output: none.
delete from shares
