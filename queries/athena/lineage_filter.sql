-- The pushed-down filter, one text that Athena (Trino) runs and DuckDB runs unchanged: it uses only
-- functions both engines define alike (contains, split, strpos, LIKE, IN), and bench/athena-slice.ts
-- and the tests run this very text in DuckDB over the same files (queries/athena/local_table.sql).
-- Partition predicates on day, account and region come first, then the window and the events
-- lineage and reports need.
-- KMS records (unless the KMS mode is 'all', `--all-kms`) come back only when lineage can use them
-- (ingest/pushdown.ts): their context names a key some rule or the S3 replication evidence reads,
-- or they have no context at all (the key-and-time-window match reads only those), and a failed call
-- only with an S3 context. A context about a secret, a parameter or anything else stays in Athena.
-- The text is fixed: every value is a positional parameter (?), in this order —
--   first and last delivery day (yyyy/MM/dd), since and until (ISO 8601, seconds);
--   account mode ('all' or 'listed'), then 100 account ids;
--   region mode ('all' or 'listed'), then 64 region codes;
--   lineage event sources; lineage event names in three parts (an execution parameter holds at most
--   1024 characters); extra event names: each one comma-separated value ('' for none); KMS mode
--   ('all' or 'evidence'); the S3 context key; six context keys (padded with the first).
-- Accounts and regions are partition columns, so they are tested with IN over a fixed number of
-- parameters (a shorter list is padded with its own first member; an IN list may repeat a value),
-- not with contains(split(…)): Athena projects partitions from predicates it can read as a set of
-- values, and a function of the column would leave every projected account and region to be read.
-- Event sources and names are not partition columns; one list parameter each costs no pruning.
-- requestparameters is the record's JSON text; an empty context is matched with and without the space
-- a serializer may put after the colon (the correlator reads `{}` as no context).
log_date BETWEEN ? AND ?
AND eventtime >= ? AND eventtime < ?
AND (? = 'all' OR account_id IN (
    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
))
AND (? = 'all' OR region IN (
    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
    ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
    ?, ?, ?, ?
))
AND ((contains(split(?, ','), eventsource)
      AND (contains(split(?, ','), eventname) OR contains(split(?, ','), eventname)
           OR contains(split(?, ','), eventname)))
     OR contains(split(?, ','), eventname))
AND (? = 'all'
     OR eventsource <> 'kms.amazonaws.com'
     OR ((errorcode IS NULL OR strpos(requestparameters, ?) > 0)
         AND (requestparameters IS NULL
              OR strpos(requestparameters, 'ncryptionContext') = 0
              OR strpos(requestparameters, '"encryptionContext":{}') > 0
              OR strpos(requestparameters, '"encryptionContext": {}') > 0
              OR strpos(requestparameters, ?) > 0 OR strpos(requestparameters, ?) > 0
              OR strpos(requestparameters, ?) > 0 OR strpos(requestparameters, ?) > 0
              OR strpos(requestparameters, ?) > 0 OR strpos(requestparameters, ?) > 0)))
