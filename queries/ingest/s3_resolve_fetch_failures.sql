-- Closes the failed fetches whose object (same listed size and ETag) is now in the ledger.
-- params: $source. output: none.
update fetch_failures f
set resolved_at = current_timestamp
where f.source = $source
  and f.resolved_at is null
  and exists (
    select 1
    from ingested_files i
    where i.source = f.source
      and i.location = f.location
      and i.size is not distinct from f.size
      and i.etag is not distinct from f.etag
  )
