// What an ingest stored, as hashes: every column of events (ordered by event_id), the ledger, the
// rejects and the coverage, with the input root taken out of locations. Two ingests of the same files
// that store the same values give the same hashes, whichever way the records were normalised.
import { z } from 'zod';
import type { Store } from '../../queries/store.ts';

export const StoreHash = z.object({
  events: z.coerce.number(),
  events_hash: z.string().nullable(),
  files_hash: z.string().nullable(),
  rejects_hash: z.string().nullable(),
  coverage_hash: z.string().nullable(),
});
export type StoreHash = z.infer<typeof StoreHash>;

const HASHES = `
select
  (select count(*) from events)::bigint as events,
  (select md5(string_agg(e::varchar, chr(10) order by event_id)) from events e) as events_hash,
  (select md5(string_agg(concat_ws('|', file_id, source, kind, replace(location, $root, ''), size, sha256,
     etag, path_account_id, path_region, path_date, org_id, record_count, event_count, duplicate_count,
     rejected_count, status, error, digest_status), chr(10) order by file_id))
   from ingested_files) as files_hash,
  (select md5(string_agg(concat_ws('|', file_id, replace(location, $root, ''), record_index, reason, raw),
     chr(10) order by file_id, record_index, reason, raw))
   from rejects) as rejects_hash,
  (select md5(string_agg(c::varchar, chr(10) order by c::varchar)) from ingest_coverage c) as coverage_hash
`;

export async function storeHash(store: Store, root: string): Promise<StoreHash> {
  const reader = await store.conn.runAndReadAll(HASHES, { root });
  return StoreHash.parse(reader.getRowObjectsJson()[0]);
}
