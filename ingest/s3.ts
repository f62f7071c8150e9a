// `ingest s3`: lists the trail's day folders in range, downloads with bounded concurrency and hands
// each verified object to the batch loader in whatever order they complete. The commit watermark is
// the ledger: every file in it was committed with its rows; everything else is fetched again.
import { setMaxListeners } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Progress, silentProgress } from '../core/progress.ts';
import { daysOf, type TimeRange } from '../core/time.ts';
import type { Store } from '../queries/store.ts';
import { BatchLoader, emptySummary, type IngestSummary } from './loader.ts';
import { Gate, mapPool, mapUnordered } from './pool.ts';
import { Interrupted } from './retry.ts';
import {
  type FailedFetch,
  type FolderState,
  failedFetch,
  openFetchFailures,
  recordFetchFailures,
  writeFolderCoverage,
} from './s3-coverage.ts';
import { DEFAULT_FETCH_POLICY, type FetchPolicy, fetchObject, type ListedObject } from './s3-fetch.ts';
import { Lister, type Unit, type UnitListing } from './s3-list.ts';
import { openSpool } from './spool.ts';

export { makeS3Client, type S3ClientOptions } from './s3-client.ts';
export { S3SourceError } from './s3-errors.ts';

export interface S3IngestOptions {
  bucket: string;
  prefix?: string;
  orgId?: string;
  accounts?: string[];
  /** Region names, or undefined for every region found. */
  regions?: string[];
  range: TimeRange;
  /**
   * Where this database's spool folder goes (default: `<db>.spool` beside a database file, the
   * system temp folder for an in-memory store). See spool.ts.
   */
  spoolDir?: string;
  concurrency?: number;
  /** Also read CloudTrail-Digest/ folders, so `verify` can check what was ingested (default true). */
  digests?: boolean;
  /** Retries, backoff and timeouts of each download and listing page. */
  fetch?: Partial<FetchPolicy>;
  signal?: AbortSignal;
}

export interface S3IngestResult extends IngestSummary {
  units: number;
  /** Every prefix or object that could not be read: listingsFailed, then objectsFailed by key. */
  unitsFailed: { prefix: string; error: string }[];
  /** Prefixes that could not be listed; coverage records them. */
  listingsFailed: { prefix: string; error: string }[];
  /** Objects still missing after every retry; recorded in fetch_failures. */
  objectsFailed: FailedFetch[];
  objectsListed: number;
  /** Listed objects the ledger already holds, by how it holds them. */
  alreadyLoaded: number;
  previouslyRejected: number;
  previouslyDuplicate: number;
  /** Objects an earlier run failed to fetch that this run fetched. */
  refetched: number;
  /** Objects that needed more than one try. */
  retried: number;
  /** Objects listed but never tried because the run was stopped. */
  notFetched: number;
  interrupted: boolean;
  /** Stopped before every day folder was listed: nothing was fetched or recorded. */
  stoppedWhileListing: boolean;
}

interface Todo {
  object: ListedObject;
  folder: FolderState;
}

function emptyResult(): S3IngestResult {
  return {
    ...emptySummary(),
    units: 0,
    unitsFailed: [],
    listingsFailed: [],
    objectsFailed: [],
    objectsListed: 0,
    alreadyLoaded: 0,
    previouslyRejected: 0,
    previouslyDuplicate: 0,
    refetched: 0,
    retried: 0,
    notFetched: 0,
    interrupted: false,
    stoppedWhileListing: false,
  };
}

export async function ingestS3(
  store: Store,
  client: S3Client,
  opts: S3IngestOptions,
  progress: Progress = silentProgress,
): Promise<S3IngestResult> {
  // one signal for the run: every download, listing page and backoff wait listens to it
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onStop = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onStop();
  opts.signal?.addEventListener('abort', onStop, { once: true });
  const spool = openSpool(store.path, opts.spoolDir);
  try {
    return await run(store, client, { ...opts, signal: stop.signal }, progress, spool.dir);
  } finally {
    opts.signal?.removeEventListener('abort', onStop);
    progress.stop();
    spool.remove();
  }
}

async function run(
  store: Store,
  client: S3Client,
  opts: S3IngestOptions,
  progress: Progress,
  spoolDir: string,
): Promise<S3IngestResult> {
  const started = Date.now();
  const policy: FetchPolicy = { ...DEFAULT_FETCH_POLICY, ...opts.fetch };
  const concurrency = opts.concurrency ?? 16;
  const signal = opts.signal;
  const lister = new Lister(client, opts.bucket, policy, signal);
  const result = emptyResult();
  const stoppedWhileListing = () => {
    result.interrupted = true;
    result.stoppedWhileListing = true;
    result.unitsFailed = [...result.listingsFailed];
    result.seconds = (Date.now() - started) / 1000;
    return result;
  };

  let plan: { units: Unit[]; failed: { prefix: string; error: string }[] };
  try {
    plan = await lister.plan(
      {
        bucket: opts.bucket,
        prefix: opts.prefix,
        orgId: opts.orgId,
        accounts: opts.accounts,
        regions: opts.regions,
        days: daysOf(opts.range, 1),
        digests: opts.digests !== false,
      },
      concurrency,
    );
  } catch (err) {
    if (err instanceof Interrupted) return stoppedWhileListing();
    throw err;
  }
  result.units = plan.units.length;
  result.listingsFailed.push(...plan.failed);

  // a listing that fails is kept with its unit; one cut short by the interrupt comes back null
  const listings = await mapPool(plan.units, concurrency, (u) =>
    lister.list(u).catch((err: unknown): UnitListing | null => {
      if (err instanceof Interrupted) return null;
      throw err;
    }),
  );
  if (signal?.aborted) return stoppedWhileListing();

  const loader = await BatchLoader.create(store, {
    source: 's3',
    eventCoverage: false,
    spoolDir,
    onFileDone: () => progress.tick(),
    onEvents: (n) => progress.events?.(n),
  });
  try {
    const failedBefore = await openFetchFailures(store);
    const folders: FolderState[] = [];
    const todo: Todo[] = [];
    for (const listing of listings as UnitListing[]) {
      if (listing.error) result.listingsFailed.push({ prefix: listing.unit.prefix, error: listing.error });
      const folder: FolderState = { listing, todo: 0, failed: [], notFetched: 0 };
      folders.push(folder);
      for (const o of listing.objects) {
        result.objectsListed++;
        const status = loader.knownStatus(`s3://${opts.bucket}/${o.key}`, o.size, o.etag);
        if (status === 'loaded') result.alreadyLoaded++;
        else if (status === 'rejected') result.previouslyRejected++;
        else if (status === 'duplicate') result.previouslyDuplicate++;
        else {
          folder.todo++;
          todo.push({ object: o, folder });
        }
      }
    }
    await writeFolderCoverage(store, opts.bucket, folders, 'listed');

    progress.start(todo.length, 'objects');
    const handled = new Set<Todo>();
    // `concurrency` requests in flight; twice as many objects under way, so those waiting to retry
    // (or waiting for the loader) leave room for others. Bodies in memory stay under 2 x concurrency.
    const gate = new Gate(concurrency);
    const downloads = mapUnordered(
      todo,
      concurrency * 2,
      async (t) => ({ t, got: await fetchObject(client, opts.bucket, t.object, policy, signal, gate) }),
      () => Boolean(signal?.aborted),
    );
    for await (const { t, got } of downloads) {
      if (got.kind === 'interrupted') continue;
      handled.add(t);
      const location = `s3://${opts.bucket}/${t.object.key}`;
      if (got.kind === 'failed') {
        const f = failedFetch(t.object, got.error, got.attempts);
        t.folder.failed.push(f);
        result.objectsFailed.push(f);
        progress.tick();
        continue;
      }
      if (got.attempts > 1) result.retried++;
      if (failedBefore.has(location)) result.refetched++;
      await loader.add({
        location,
        size: t.object.size,
        etag: t.object.etag,
        read: async () => got.bytes,
        signature: async () => got.signature,
      });
    }
    // what an interrupt left behind, per folder, so its coverage says so
    for (const t of todo) if (!handled.has(t)) t.folder.notFetched++;
    result.notFetched = todo.length - handled.size;

    const summary = await loader.finish();
    await store.transaction(async () => {
      await recordFetchFailures(store, opts.bucket, result.objectsFailed);
      await writeFolderCoverage(store, opts.bucket, folders, 'done');
      await store.run('ingest/s3_coverage_events');
    });
    const known = result.alreadyLoaded + result.previouslyRejected + result.previouslyDuplicate;
    Object.assign(result, summary);
    result.files = summary.files + known;
    result.skipped = summary.skipped + result.alreadyLoaded;
    result.unitsFailed = [
      ...result.listingsFailed,
      ...result.objectsFailed.map((f) => ({ prefix: f.key, error: f.error })),
    ];
    result.interrupted = result.notFetched > 0;
    result.seconds = (Date.now() - started) / 1000;
    return result;
  } catch (err) {
    loader.abort();
    throw err;
  }
}
