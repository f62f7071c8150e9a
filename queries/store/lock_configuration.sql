-- Freezes the settings of a read-only session, so user SQL cannot re-enable file or network
-- access. params: none. output: none.
set lock_configuration = true
