-- CopyImage backing snapshots (reference §2.2, §2.5): AWS writes "Copied for DestinationAmi ami-X
-- from SourceAmi ami-Y for SourceSnapshot snap-Z" on each snapshot it makes for an AMI copy. That
-- description reaches CloudTrail when a later call carries it, typically a CopySnapshot of the
-- backing snapshot that propagates its description. Each such record tells which snapshot backs
-- which copied AMI. params: none. output: temp table ami_backing.
create or replace temp table ami_backing as
select
  m.dest_ami,
  m.source_ami,
  m.snapshot_id,
  m.source_snapshot_id,
  m.region,
  m.account_id,
  m.event_id
from (
  select
    regexp_extract(d, 'DestinationAmi (ami-[0-9a-f]+)', 1) as dest_ami,
    regexp_extract(d, 'SourceAmi (ami-[0-9a-f]+)', 1) as source_ami,
    regexp_extract(d, 'SourceSnapshot (snap-[0-9a-f]+)', 1) as source_snapshot_id,
    snapshot_id,
    region,
    account_id,
    event_id,
    event_time
  from (
    select
      request_parameters ->> 'description' as d,
      request_parameters ->> 'sourceSnapshotId' as snapshot_id,
      coalesce(request_parameters ->> 'sourceRegion', aws_region) as region,
      recipient_account_id as account_id,
      event_id,
      event_time
    from events
    where event_source = 'ec2.amazonaws.com'
      and event_name = 'CopySnapshot'
      and (request_parameters ->> 'description') like 'Copied for DestinationAmi %'
  )
) m
where m.dest_ami <> '' and m.snapshot_id like 'snap-%'
qualify row_number() over (partition by m.snapshot_id, m.region order by m.event_time, m.event_id) = 1
