-- The attached database file (store/attach.sql) is the one this connection reads and writes when a
-- statement names no database. params: none. output: none.
use store
