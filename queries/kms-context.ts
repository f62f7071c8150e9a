// The KMS join keys correlate reads (kms_context): extracted once per event, from the events of the
// files past the watermark up to the last file loaded, and committed with the watermark that says
// how far they reach. The ingest extends them after each batch it commits, in a transaction of their
// own (ingest/loader-parts.ts catchUpKmsContext); correlate extends them too, for what a store holds
// beyond its watermark (a stop between a batch and its extraction, a store loaded before the ingest
// did this, a migration's reset). Read inside the batch's own transaction, from rows not yet
// committed, the extraction took twice as long and sent batches past DuckDB's memory.
import { z } from 'zod';
import { KMS_CONTEXT_EVENTS } from '../core/events.ts';
import type { Params, Store } from './store.ts';

const Watermark = z.object({ watermark: z.coerce.number(), upto: z.coerce.number() });
export type Watermark = z.infer<typeof Watermark>;

/** How far kms_context reaches (watermark) and the last file loaded (upto). */
export function kmsWatermark(store: Store): Promise<Watermark> {
  return store.one('correlate/watermark', Watermark);
}

/**
 * Extracts the KMS join keys of the files in (watermark, upto] and moves the watermark to upto, in
 * the caller's transaction. `run` runs a named statement (the loader's times it).
 */
export async function extendKmsContext(
  store: Store,
  { watermark, upto }: Watermark,
  run: (name: string, params: Params) => Promise<void> = (name, params) => store.run(name, params),
): Promise<void> {
  if (upto <= watermark) return;
  await run('correlate/extract_kms_context', {
    watermark,
    upto,
    operations: JSON.stringify(KMS_CONTEXT_EVENTS),
  });
  await run('correlate/save_watermark', { upto });
}
