-- Shares of EBS volumes through AWS RAM (CreateResourceShare, AssociateResourceShare,
-- DisassociateResourceShare, DeleteResourceShare), into shares beside the snapshot attribute changes: one row per
-- (volume, principal) a call adds to or removes from a resource share. Shapes inferred from the RAM
-- API reference (RAM is a JSON API, so CloudTrail names the members as the API does:
-- requestParameters.resourceArns[], principals[], resourceShareArn; the new share's ARN in
-- responseElements.resourceShare.resourceShareArn); no real record seen.
-- A call may name only volumes or only principals of a share made earlier: a volume reaches every
-- principal the share holds at that moment, and a principal every volume, so membership is followed
-- per share through its calls in time order. A removal pairs what it removes with what the share
-- held just before it; deleting the share removes every pair it held.
-- to_account is the account: a 12-digit principal as it is, an IAM principal's ARN as its account;
-- an organization or OU principal is kept as its ARN (arn:aws:organizations::…), which names no
-- account, so readers can tell it from one.
-- params: none. output: none.
insert into shares (artifact_id, artifact_kind, region, from_account, to_account, action, event_time, event_id)
with calls as (
  select
    event_id,
    event_time,
    recipient_account_id,
    case when event_name in ('DisassociateResourceShare', 'DeleteResourceShare') then 'removed' else 'added' end as action,
    event_name = 'DeleteResourceShare' as deletes,
    -- a call that names no share (or a failed lookup of it) pairs only what it names itself
    coalesce(
      request_parameters ->> 'resourceShareArn',
      response_elements -> 'resourceShare' ->> 'resourceShareArn',
      event_id
    ) as share_key,
    coalesce(json_extract_string(request_parameters, '$.resourceArns[*]'), []::varchar[]) as resources,
    coalesce(json_extract_string(request_parameters, '$.principals[*]'), []::varchar[]) as principals
  from events
  where event_source = 'ram.amazonaws.com'
    and event_name in ('CreateResourceShare', 'AssociateResourceShare', 'DisassociateResourceShare', 'DeleteResourceShare')
    and error_code is null
),
members as (
  -- a principal is an account id, an ARN or a service principal; anything else in a hostile or
  -- broken record (null, empty, an object) names nobody and is left out
  select *
  from (
    select share_key, event_id, event_time, action, 'resource' as member_kind, unnest(resources) as member
    from calls
    union all
    select share_key, event_id, event_time, action, 'principal', unnest(principals)
    from calls
  )
  where member is not null
    and (
      member_kind = 'resource'
      or regexp_matches(member, '^([0-9]{12}|arn:[^\s]+|[a-z0-9.-]+\.amazonaws\.com)$')
    )
),
held as (
  -- what each share holds at each of its calls: through the call itself (inclusive) and just
  -- before it (exclusive), from each member's latest action
  select
    c.event_id as at_event,
    m.member_kind,
    m.member,
    arg_max(m.action, (epoch_ns(m.event_time), m.event_id)) as through,
    arg_max(m.action, (epoch_ns(m.event_time), m.event_id))
      filter (where m.event_time < c.event_time or (m.event_time = c.event_time and m.event_id < c.event_id)) as before
  from calls c
  join members m
    on m.share_key = c.share_key
   and (m.event_time < c.event_time or (m.event_time = c.event_time and m.event_id <= c.event_id))
  group by c.event_id, m.member_kind, m.member
),
pairs as (
  -- an addition: what it adds, with what the share then holds of the other kind
  select c.event_id, r.member as resource, p.member as principal
  from calls c
  join held r on r.at_event = c.event_id and r.member_kind = 'resource' and r.through = 'added'
  join held p on p.at_event = c.event_id and p.member_kind = 'principal' and p.through = 'added'
  where c.action = 'added'
    and (list_contains(c.resources, r.member) or list_contains(c.principals, p.member))
  union
  -- a removal: what it removes, with what the share held of the other kind just before
  select c.event_id, r.member, p.member
  from calls c
  join held r on r.at_event = c.event_id and r.member_kind = 'resource'
  join held p on p.at_event = c.event_id and p.member_kind = 'principal'
  where c.action = 'removed'
    and (
      (list_contains(c.resources, r.member) and (p.before = 'added' or list_contains(c.principals, p.member)))
      or (list_contains(c.principals, p.member) and r.before = 'added')
      or (c.deletes and r.before = 'added' and p.before = 'added')
    )
)
select
  regexp_extract(x.resource, 'volume/(vol-[0-9A-Za-z]+)$', 1),
  'ebs_volume',
  split_part(x.resource, ':', 4),
  coalesce(nullif(split_part(x.resource, ':', 5), ''), c.recipient_account_id),
  case
    when regexp_matches(x.principal, '^arn:[^:]+:iam::[0-9]{12}:') then split_part(x.principal, ':', 5)
    else x.principal
  end,
  c.action,
  c.event_time,
  c.event_id
from pairs x
join calls c on c.event_id = x.event_id
where regexp_matches(x.resource, '^arn:[^:]+:ec2:[^:]+:[^:]*:volume/vol-[0-9A-Za-z]+$')
