// What an S3 run writes beside the loaded files: per day folder, how many objects it held and what is
// missing from it (so a report shows "unknown", never a silent pass), and the objects that could
// not be fetched, kept in fetch_failures until a later run loads them.
import { z } from 'zod';
import type { Store } from '../queries/store.ts';
import { parseLayout } from './layout.ts';
import type { ListedObject } from './s3-fetch.ts';
import type { UnitListing } from './s3-list.ts';

export interface FailedFetch {
  key: string;
  size: number;
  etag: string;
  error: string;
  attempts: number;
}

/** What each listed object of a folder came to in this run. */
export interface FolderState {
  listing: UnitListing;
  /** Objects to fetch, at the start of the run. */
  todo: number;
  failed: FailedFetch[];
  /** Objects this run never got to (stopped first). */
  notFetched: number;
}

const SHOWN = 5;

function folderError(f: FolderState, bucket: string, phase: 'listed' | 'done'): string | null {
  const parts: string[] = [];
  if (f.listing.error) parts.push(`cannot list s3://${bucket}/${f.listing.unit.prefix}: ${f.listing.error}`);
  if (phase === 'listed' && f.todo > 0) {
    // written before the downloads: if the run dies, the folder does not read as complete
    parts.push(
      `${f.todo} of ${f.listing.objects.length} objects not loaded yet (a run is fetching them, or stopped)`,
    );
  }
  if (phase === 'done') {
    for (const x of f.failed.slice(0, SHOWN)) {
      parts.push(`could not fetch s3://${bucket}/${x.key} after ${x.attempts} attempt(s): ${x.error}`);
    }
    if (f.failed.length > SHOWN) parts.push(`${f.failed.length - SHOWN} more objects could not be fetched`);
    if (f.notFetched > 0) parts.push(`${f.notFetched} objects not fetched: the run was stopped first`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * Writes the coverage of every CloudTrail day folder listed. Folders with the same account, region
 * and day (an account trail beside an organization trail) share one coverage row.
 */
export async function writeFolderCoverage(
  store: Store,
  bucket: string,
  folders: FolderState[],
  phase: 'listed' | 'done',
): Promise<void> {
  const rows = new Map<
    string,
    { account: string; region: string; day: string; files: number; errors: string[] }
  >();
  for (const f of folders) {
    const u = f.listing.unit;
    if (u.folder !== 'CloudTrail') continue;
    const id = `${u.account}/${u.region}/${u.day}`;
    const row = rows.get(id) ?? { account: u.account, region: u.region, day: u.day, files: 0, errors: [] };
    row.files += f.listing.objects.length;
    const error = folderError(f, bucket, phase);
    if (error) row.errors.push(error);
    rows.set(id, row);
  }
  const units = [...rows.values()].map((r) => ({
    account: r.account,
    region: r.region,
    day: r.day,
    files: r.files,
    error: r.errors.length > 0 ? r.errors.join('; ') : null,
  }));
  if (units.length === 0) return;
  await store.run('ingest/s3_folder_coverage', { source: 's3', units: JSON.stringify(units) });
}

export async function recordFetchFailures(
  store: Store,
  bucket: string,
  failed: FailedFetch[],
): Promise<void> {
  if (failed.length > 0) {
    const rows = failed.map((f) => {
      const location = `s3://${bucket}/${f.key}`;
      const layout = parseLayout(location);
      return {
        location,
        size: f.size,
        etag: f.etag || null,
        account: layout.accountId,
        region: layout.region,
        day: layout.date,
        attempts: f.attempts,
        error: f.error,
      };
    });
    await store.run('ingest/s3_record_fetch_failures', { source: 's3', failures: JSON.stringify(rows) });
  }
  await store.run('ingest/s3_resolve_fetch_failures', { source: 's3' });
}

const OpenFailure = z.object({ location: z.string(), attempts: z.coerce.number(), error: z.string() });

/** Locations whose last fetch failed and that no run has loaded since. */
export async function openFetchFailures(store: Store): Promise<Set<string>> {
  const rows = await store.all('ingest/s3_open_fetch_failures', OpenFailure, { source: 's3' });
  return new Set(rows.map((r) => r.location));
}

export const failedFetch = (o: ListedObject, error: string, attempts: number): FailedFetch => ({
  key: o.key,
  size: o.size,
  etag: o.etag,
  error,
  attempts,
});
