-- How many copies each principal has ever requested (to tell an unusual copier when no expected
-- principals are configured). params: none. output: principal_arn, copies.
select principal_arn, count(*) as copies
from copies
where principal_arn is not null
group by principal_arn
order by principal_arn
