-- The pushed-down filter, written so Athena (Trino) and DuckDB read it alike: partition predicates
-- on day, account and region first, then the window and the events lineage and reports need.
-- KMS records whose encryption context names some other resource (a secret, a parameter, …) are
-- never copy evidence and are left in Athena unless the KMS mode is 'all' (`--all-kms`).
-- The text is fixed: every value is a positional parameter (?), in this order —
--   first and last delivery day (yyyy/MM/dd), since and until (ISO 8601, seconds);
--   account mode ('all' or 'listed'), then 100 account ids;
--   region mode ('all' or 'listed'), then 64 region codes;
--   lineage event sources; lineage event names in three parts (an execution parameter holds at most
--   1024 characters); extra event names: each one comma-separated value ('' for none); KMS mode
--   ('all' or 'evidence').
-- Accounts and regions are partition columns, so they are tested with IN over a fixed number of
-- parameters (a shorter list is padded with its own first member; an IN list may repeat a value),
-- not with contains(split(…)): Athena projects partitions from predicates it can read as a set of
-- values, and a function of the column would leave every projected account and region to be read.
-- Event sources and names are not partition columns; one list parameter each costs no pruning.
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
     OR requestparameters IS NULL
     OR requestparameters LIKE '%aws:ebs:id%'
     OR requestparameters LIKE '%aws:rds:db-id%'
     OR requestparameters LIKE '%aws:s3:arn%'
     OR requestparameters NOT LIKE '%ncryptionContext%')
