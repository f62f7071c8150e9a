-- The pushed-down filter, written so Athena (Trino) and DuckDB read it alike: partition predicates
-- on day, account and region first, then the window and the events lineage and reports need.
-- Every value is a positional parameter (?); the slots only hold `?` lists or TRUE.
log_date BETWEEN ? AND ?
AND eventtime >= ? AND eventtime < ?
AND {{account_pred}}
AND {{region_pred}}
AND ((eventsource IN ({{sources}}) AND eventname IN ({{names}})) {{extra_pred}})
