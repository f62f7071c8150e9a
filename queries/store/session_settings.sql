-- Per-connection settings: UTC for every timestamp. params: none. output: none.
set TimeZone = 'UTC'
