-- Copies without a stored chain: a store correlated by a copytrail from before chains were stored
-- (schema/009_copy_chains.sql) until correlate runs again. params: none. output: copies.
select count(*)::bigint as copies
from copies
where chain_status is null
