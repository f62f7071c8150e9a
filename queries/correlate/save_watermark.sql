-- Records how far kms_context reaches, in the extraction's transaction. params: $upto. output: none.
insert into correlate_state (id, watermark)
values (1, $upto)
on conflict do update set watermark = excluded.watermark
