-- Writes the write-ahead log into the database file (so its size on disk is the store's size).
checkpoint
