-- A grant's grantee, kept with the KMS event's other join keys so correlate can tell a grant to an
-- instance (an attach or a launch, never a copy's evidence) without reading the events again.
-- Older rows are filled once here; correlate's extraction fills new ones.
alter table kms_context add column if not exists grantee_principal varchar;
update kms_context k
set grantee_principal = e.request_parameters ->> 'granteePrincipal'
from events e
where e.event_id = k.event_id and k.event_name = 'CreateGrant' and k.grantee_principal is null;
