// One way to run any source from its spec (core/sources.ts). `ingest <type>` and a scheduled run both
// call readSource, so a source reads the same whatever asked for it; only the words around it differ.
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Progress } from '../core/progress.ts';
import type { SourceSpec, SourceType, SpecOf } from '../core/sources.ts';
import type { TimeRange } from '../core/time.ts';
import type { Store } from '../queries/store.ts';
import { apiClientOptions } from './api-client.ts';
import { type AthenaResult, ingestAthena } from './athena.ts';
import { type DirIngestResult, ingestDir } from './ingest-dir.ts';
import { ingestLake, type LakeResult } from './lake.ts';
import { ingestLookup, type LookupResult } from './lookup.ts';
import type { EventFilter } from './query-source.ts';
import { ingestS3, makeS3Client, type S3IngestResult } from './s3.ts';

/** How this process runs a source: everything that is not the source itself. */
export interface ReadContext {
  /** the window to read; every source but dir needs one */
  range?: TimeRange;
  signal?: AbortSignal;
  progress?: Progress;
  /** s3: where the download spool goes (default: `<db>.spool` beside the database) */
  spoolDir?: string;
  /** dir: the largest file read, after decompression */
  maxFileBytes?: number;
  /** athena: create the table first, over this trail location */
  createTable?: { trailLocation: string };
  /** clients to use instead of ones made from the spec; the caller keeps them (tests inject these) */
  clients?: { s3?: S3Client; athena?: AthenaClient; cloudTrail?: CloudTrailClient };
}

interface ReadBase {
  /** the read stopped on the signal before it finished; what it loaded is committed */
  interrupted: boolean;
  /** what could not be read, in one line (null when everything asked for was read) */
  incomplete: string | null;
}

/** What a source read: its own detailed result, by type, and the two facts every caller needs. */
export type SourceRead = ReadBase &
  (
    | { type: 'dir'; result: DirIngestResult }
    | { type: 's3'; result: S3IngestResult }
    | { type: 'lookup'; result: LookupResult }
    | { type: 'athena'; result: AthenaResult }
    | { type: 'lake'; result: LakeResult }
  );
export type ReadOf<T extends SourceType> = Extract<SourceRead, { type: T }>;

export class SourceReadError extends Error {
  override name = 'SourceReadError';
}

/** The pushed-down filter an Athena or Lake source shares: its window, accounts, regions and events. */
function queryFilter(
  spec: { accounts?: string[]; regions?: string[]; extra_events?: string[]; all_kms: boolean },
  range: TimeRange,
): EventFilter {
  return {
    since: range.since,
    until: range.until,
    accounts: spec.accounts,
    regions: spec.regions,
    extraEvents: spec.extra_events,
    allKms: spec.all_kms,
  };
}

function windowOf(spec: SourceSpec, context: ReadContext): TimeRange {
  if (!context.range)
    throw new SourceReadError(`the ${spec.type} source reads a time window, and none was given`);
  return context.range;
}

/** "3 prefix(es) could not be read: a; b; c" — the first three named, the count whole. */
function unread(failures: string[], what: string): string | null {
  if (failures.length === 0) return null;
  return `${failures.length} ${what} could not be read: ${failures.slice(0, 3).join('; ')}`;
}

/** A client from the context (kept by the caller), or one made here and destroyed after the read. */
async function withClient<C extends { destroy(): void }, R>(
  given: C | undefined,
  make: () => C,
  use: (client: C) => Promise<R>,
): Promise<R> {
  const client = given ?? make();
  try {
    return await use(client);
  } finally {
    if (!given) client.destroy();
  }
}

const apiRegion = (region: string | undefined) => region ?? process.env.AWS_REGION ?? 'us-east-1';

const READERS: { [T in SourceType]: (store: Store, spec: SpecOf<T>, c: ReadContext) => Promise<ReadOf<T>> } =
  {
    async dir(store, spec, c) {
      const result = await ingestDir(store, spec.paths, c.progress, c.signal, {
        maxFileBytes: c.maxFileBytes,
      });
      return { type: 'dir', result, interrupted: result.interrupted, incomplete: null };
    },

    async s3(store, spec, c) {
      // one retry layer: ingest retries each object itself, so a throttled one waits without its place
      const make = () =>
        makeS3Client({ endpointUrl: spec.endpoint_url, region: spec.region, maxAttempts: 1 });
      const range = windowOf(spec, c);
      return withClient(c.clients?.s3, make, async (client) => {
        const result = await ingestS3(
          store,
          client,
          {
            bucket: spec.bucket,
            prefix: spec.prefix || undefined,
            orgId: spec.org_id,
            accounts: spec.accounts,
            regions: spec.regions,
            range,
            concurrency: spec.concurrency,
            spoolDir: c.spoolDir,
            signal: c.signal,
          },
          c.progress,
        );
        const failed = result.unitsFailed.map((f) => `${f.prefix}: ${f.error}`);
        return {
          type: 's3',
          result,
          interrupted: result.interrupted,
          incomplete: unread(failed, 'prefix(es)'),
        };
      });
    },

    async lookup(store, spec, c) {
      const result = await ingestLookup(
        store,
        {
          regions: spec.regions,
          accounts: spec.accounts,
          orgAccounts: spec.org_accounts,
          roleName: spec.role_name,
          range: windowOf(spec, c),
          allManagement: spec.all_management,
          signal: c.signal,
        },
        c.progress,
      );
      const failed = result.units.filter((u) => u.error).map((u) => `${u.account} ${u.region}: ${u.error}`);
      return {
        type: 'lookup',
        result,
        interrupted: c.signal?.aborted ?? false,
        incomplete: unread(failed, 'account-region(s)'),
      };
    },

    async athena(store, spec, c) {
      const range = windowOf(spec, c);
      const make = () => new AthenaClient({ ...apiClientOptions(), region: apiRegion(spec.region) });
      const result = await withClient(c.clients?.athena, make, (client) =>
        ingestAthena(
          store,
          client,
          {
            ...queryFilter(spec, range),
            database: spec.database,
            table: spec.table,
            workgroup: spec.workgroup,
            output: spec.output,
            createTable: c.createTable,
            signal: c.signal,
          },
          c.progress,
        ),
      );
      // a stopped query throws: a result is a whole one
      return { type: 'athena', result, interrupted: false, incomplete: null };
    },

    async lake(store, spec, c) {
      const range = windowOf(spec, c);
      const make = () => new CloudTrailClient({ ...apiClientOptions(), region: apiRegion(spec.region) });
      const result = await withClient(c.clients?.cloudTrail, make, (client) =>
        ingestLake(
          store,
          client,
          {
            ...queryFilter(spec, range),
            eventDataStore: spec.event_data_store,
            ownerAccountId: spec.owner_account,
            signal: c.signal,
          },
          c.progress,
        ),
      );
      return { type: 'lake', result, interrupted: false, incomplete: null };
    },
  };

/** Reads one source into the store. Throws only for a failure before or instead of a result. */
export function readSource<S extends SourceSpec>(
  store: Store,
  spec: S,
  context: ReadContext = {},
): Promise<ReadOf<S['type']>> {
  // one table, keyed by the spec's own type: the reader and the spec always agree
  const read = READERS[spec.type] as (store: Store, spec: SourceSpec, c: ReadContext) => Promise<SourceRead>;
  return read(store, spec, context) as Promise<ReadOf<S['type']>>;
}
