-- The pushed-down filter, written so Athena (Trino) and DuckDB read it alike: partition predicates
-- on day, account and region first, then the window and the events lineage and reports need.
-- KMS records whose encryption context names some other resource (a secret, an S3 object, …) are
-- never copy evidence and are left in Athena, unless `--all-kms` turns the KMS slot to TRUE.
-- Every value is a positional parameter (?); the slots only hold `?` lists, TRUE or fixed text.
log_date BETWEEN ? AND ?
AND eventtime >= ? AND eventtime < ?
AND {{account_pred}}
AND {{region_pred}}
AND ((eventsource IN ({{sources}}) AND eventname IN ({{names}})) {{extra_pred}})
AND {{kms_pred}}
