-- Macro first_at(rec, paths): the value at the first of the JSON paths that holds one in the
-- record rec, as text; null when none does. The rules (correlate/rules/) declare where each part of
-- a record lives as such a list of alternatives, in order. params: none. output: temp macro.
create or replace temp macro first_at(rec, paths) as
list_filter(list_transform(paths, lambda p: json_extract_string(rec, p)), lambda v: v is not null)[1]
