-- Where the last good read of one source for one schedule ended.
select strftime(read_until::timestamp, '%Y-%m-%dT%H:%M:%SZ') as read_until
from schedule_cursors
where schedule = $schedule and source_key = $source_key;
