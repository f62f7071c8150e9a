-- Before every batch was checked against all stored events, a record re-delivered in a later
-- batch with another eventTime could be stored twice. Keep the first copy of each event_id (the
-- lowest file_id), so event_id is unique in events from here on.
delete from events
where rowid in (
  select rowid
  from (
    select
      rowid,
      row_number() over (partition by event_id order by file_id, event_time) as n
    from events
  )
  where n > 1
)
