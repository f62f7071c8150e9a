-- Rows the baseline loaded. params: none. output: n.
select count(*)::bigint as n
from bench_raw
