-- Macro tied(ties, rec, fields, within): whether a service event ties to a copy by any of a rule's
-- ties (correlate/rules/rule.ts ServiceEvent.ties): every comparison of the tie holds between the
-- event's record rec and the copy's fields (a map from field name to value), and the event is
-- `within` the rule's service window if the tie asks for it. A comparison is equals, or ends_with:
-- the event's value ends with the test's prefix and the copy's value (an ARN ending in the copy's
-- id). A missing value on either side never ties. params: none. output: temp macro.
create or replace temp macro tied(ties, rec, fields, within) as
list_bool_or(list_transform(ties, lambda tie:
  (not tie.in_window or coalesce(within, false))
  and list_bool_and(list_transform(tie.tests, lambda t: coalesce(
    case t.test
      when 'equals' then json_extract_string(rec, t.path) = fields[t.field]
      when 'ends_with' then ends_with(json_extract_string(rec, t.path), t.prefix || fields[t.field])
    end,
    false
  )))
))
