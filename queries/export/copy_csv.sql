-- An export as a CSV file with a header line. Slot: {{query}}, the text of export/events or
-- export/lineage, whose parameters ($since, $until for events) are bound with this statement's.
-- params: $path, the file to write (bound: it is a value, never SQL text). Answers the number of rows
-- written (Count).
COPY ({{query}}) TO $path (FORMAT csv, HEADER true)
