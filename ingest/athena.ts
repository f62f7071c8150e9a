// `ingest athena`: the heavy scan runs in Athena over the trail bucket; copytrail pulls back only
// the records lineage and reports need. The filter is pushed down with partition predicates on day,
// account and region, every value an execution parameter. Results come back page by page and go
// through the same loader as files, so they are normalized, deduplicated and ledgered alike.

import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { ACCOUNT_ID, REGION_CODE } from '../core/aws-ids.ts';
import { LINEAGE_EVENT_SOURCES } from '../core/events.ts';
import { type Progress, silentProgress } from '../core/progress.ts';
import { REGIONS } from '../core/regions.ts';
import { daysOf, isoSeconds } from '../core/time.ts';
import type { Store } from '../queries/store.ts';
import { sqlText } from '../queries/store.ts';
import type { IngestSummary } from './loader.ts';
import {
  athenaRowToRecord,
  checkFilter,
  type EventFilter,
  fillTemplate,
  lineageNames,
  placeholders,
  QuerySourceError,
  ResultLoader,
} from './query-source.ts';
import { realSleep, withThrottleRetry } from './retry.ts';

export interface AthenaOptions extends EventFilter {
  database: string;
  table: string;
  workgroup?: string;
  /** s3:// folder for query results; optional when the workgroup sets one */
  output?: string;
  /** create the table first (if it does not exist) over this trail location */
  createTable?: { trailLocation: string };
  pageSize?: number;
  /** give up on a query after this long (default 30 minutes); it is stopped in Athena too */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface AthenaResult extends IngestSummary {
  queryExecutionId: string;
  rows: number;
  pages: number;
  throttled: number;
  /** rows whose JSON fields did not parse and were kept as text */
  notes: string[];
  dataScannedBytes: number | null;
  coverageUnits: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,127}$/;
// a bucket name and an optional key prefix of safe characters, ending at AWSLogs/ or AWSLogs/o-…/
const TRAIL_LOCATION =
  /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(?:[A-Za-z0-9._-]+\/)*AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?$/;
const OUTPUT_LOCATION = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._\-/]*)?$/;

/** A value as an Athena execution parameter: a quoted string literal. */
const literal = (v: string) => `'${v.replaceAll("'", "''")}'`;

const day = (d: string) => d.replaceAll('-', '/');

/** KMS records worth pulling: EBS or RDS context, or no encryption context at all (fixed text). */
const ATHENA_KMS_PREDICATE = `(eventsource <> 'kms.amazonaws.com'
     OR requestparameters IS NULL
     OR requestparameters LIKE '%aws:ebs:id%'
     OR requestparameters LIKE '%aws:rds:db-id%'
     OR requestparameters NOT LIKE '%ncryptionContext%')`;

export interface BuiltQuery {
  sql: string;
  /** raw values, in placeholder order (Athena gets them quoted, DuckDB bound as they are) */
  params: string[];
}

/** The WHERE clause and its values: shared by the Athena query and its DuckDB check. */
export function athenaFilter(f: EventFilter): BuiltQuery {
  checkFilter(f);
  // folders are named by delivery day: a record can sit in the next day's folder
  const days = daysOf({ since: f.since, until: f.until }, 1);
  const names = lineageNames();
  const extra = (f.extraEvents ?? []).filter((e) => !names.includes(e));
  const sql = fillTemplate(sqlText('athena/lineage_filter'), {
    account_pred: f.accounts?.length ? `account_id IN (${placeholders(f.accounts.length)})` : 'TRUE',
    region_pred: f.regions?.length ? `region IN (${placeholders(f.regions.length)})` : 'TRUE',
    sources: placeholders(LINEAGE_EVENT_SOURCES.length),
    names: placeholders(names.length),
    extra_pred: extra.length ? `OR eventname IN (${placeholders(extra.length)})` : '',
    kms_pred: f.allKms ? 'TRUE' : ATHENA_KMS_PREDICATE,
  });
  const params = [
    day(days[0]!),
    day(days[days.length - 1]!),
    isoSeconds(f.since),
    isoSeconds(f.until),
    ...(f.accounts ?? []),
    ...(f.regions ?? []),
    ...LINEAGE_EVENT_SOURCES,
    ...names,
    ...extra,
  ];
  return { sql, params };
}

export function athenaQuery(table: string, f: EventFilter): BuiltQuery {
  if (!IDENTIFIER.test(table)) throw new QuerySourceError(`--table: '${table}' is not an Athena table name`);
  const filter = athenaFilter(f);
  return {
    sql: fillTemplate(sqlText('athena/lineage_events'), { table: `"${table}"`, filter: filter.sql }),
    params: filter.params,
  };
}

/** The CREATE TABLE statement for a trail location (account or organization layout). */
export function createTableDdl(
  table: string,
  trailLocation: string,
  accounts: string[],
  regions: string[],
  start: Date,
): string {
  if (!IDENTIFIER.test(table)) throw new QuerySourceError(`--table: '${table}' is not an Athena table name`);
  const location = trailLocation.endsWith('/') ? trailLocation : `${trailLocation}/`;
  if (!TRAIL_LOCATION.test(location)) {
    throw new QuerySourceError(
      `--trail-location: '${trailLocation}' must be s3://bucket[/prefix]/AWSLogs/ (account layout) or s3://bucket[/prefix]/AWSLogs/o-…/ (organization layout)`,
    );
  }
  if (accounts.length === 0)
    throw new QuerySourceError(
      '--create-table needs --accounts: the table projects one partition per account',
    );
  for (const a of accounts)
    if (!ACCOUNT_ID.test(a)) throw new QuerySourceError(`--accounts: '${a}' is not an account id`);
  for (const r of regions)
    if (!REGION_CODE.test(r)) throw new QuerySourceError(`--regions: '${r}' is not a region code`);
  return fillTemplate(sqlText('athena/create_table'), {
    table: `"${table}"`,
    location,
    template: `${location}\${account_id}/CloudTrail/\${region}/\${log_date}`,
    accounts: accounts.join(','),
    regions: regions.join(','),
    start: start.toISOString().slice(0, 10).replaceAll('-', '/'),
  });
}

/** Every commercial-partition region copytrail knows: the default region projection. */
export function defaultRegions(): string[] {
  return [...REGIONS.values()].filter((r) => r.partition === 'aws').map((r) => r.code);
}

interface RunContext {
  client: AthenaClient;
  opts: AthenaOptions;
  sleep: (ms: number) => Promise<void>;
  throttled: { n: number };
}

async function call<T>(ctx: RunContext, fn: () => Promise<T>): Promise<T> {
  return withThrottleRetry(fn, ctx.sleep, () => ctx.throttled.n++);
}

/** Starts a query and polls it with backoff until it succeeds; a failed or cancelled one throws. */
async function runQuery(
  ctx: RunContext,
  sql: string,
  params?: string[],
): Promise<{ id: string; scanned: number | null }> {
  const { client, opts } = ctx;
  const started = await call(ctx, () =>
    client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        ExecutionParameters: params?.length ? params.map(literal) : undefined,
        QueryExecutionContext: { Database: opts.database },
        WorkGroup: opts.workgroup,
        ResultConfiguration: opts.output ? { OutputLocation: opts.output } : undefined,
      }),
    ),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new QuerySourceError('Athena started a query but returned no QueryExecutionId');
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let wait = 250;
  for (;;) {
    if (opts.signal?.aborted || Date.now() > deadline) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => {});
      throw new QuerySourceError(
        opts.signal?.aborted
          ? `query ${id} stopped: interrupted`
          : `query ${id} did not finish in time; stopped it`,
      );
    }
    const res = await call(ctx, () => client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })));
    const status = res.QueryExecution?.Status;
    switch (status?.State) {
      case 'SUCCEEDED':
        return { id, scanned: res.QueryExecution?.Statistics?.DataScannedInBytes ?? null };
      case 'FAILED':
        throw new QuerySourceError(
          `Athena query ${id} failed: ${status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? 'no reason given'}`,
        );
      case 'CANCELLED':
        throw new QuerySourceError(
          `Athena query ${id} was cancelled${status.StateChangeReason ? `: ${status.StateChangeReason}` : ''}`,
        );
      default:
        // QUEUED or RUNNING: back off up to 5 s between polls
        await ctx.sleep(wait);
        wait = Math.min(Math.round(wait * 1.5), 5000);
    }
  }
}

/** Result pages as rows keyed by column name; the header row (first page only) is dropped. */
async function* resultPages(ctx: RunContext, id: string): AsyncGenerator<Record<string, string | null>[]> {
  let token: string | undefined;
  let first = true;
  let columns: string[] = [];
  do {
    const page: GetQueryResultsCommandOutput = await call(ctx, () =>
      ctx.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          NextToken: token,
          MaxResults: ctx.opts.pageSize ?? 1000,
        }),
      ),
    );
    const meta = page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name ?? '');
    let rows = page.ResultSet?.Rows ?? [];
    if (first) {
      columns = meta?.length ? meta : (rows[0]?.Data ?? []).map((d) => d.VarCharValue ?? '');
      rows = rows.slice(1);
      first = false;
    }
    yield rows.map((r) => {
      const out: Record<string, string | null> = {};
      (r.Data ?? []).forEach((d, i) => {
        // a missing VarCharValue is SQL NULL; an empty string stays empty
        out[columns[i] ?? `col${i}`] = d.VarCharValue ?? null;
      });
      return out;
    });
    token = page.NextToken;
  } while (token);
}

export async function ingestAthena(
  store: Store,
  client: AthenaClient,
  opts: AthenaOptions,
  progress: Progress = silentProgress,
): Promise<AthenaResult> {
  if (!IDENTIFIER.test(opts.database))
    throw new QuerySourceError(`--database: '${opts.database}' is not an Athena database name`);
  if (opts.output && !OUTPUT_LOCATION.test(opts.output))
    throw new QuerySourceError(`--output: '${opts.output}' is not an s3:// folder`);
  const query = athenaQuery(opts.table, opts);
  const ctx: RunContext = { client, opts, sleep: opts.sleep ?? realSleep, throttled: { n: 0 } };
  const results = await ResultLoader.create(store, {
    source: 'athena',
    since: opts.since,
    until: opts.until,
    accounts: opts.accounts,
    regions: opts.regions,
  });
  try {
    if (opts.createTable) {
      const ddl = createTableDdl(
        opts.table,
        opts.createTable.trailLocation,
        opts.accounts ?? [],
        opts.regions?.length ? opts.regions : defaultRegions(),
        new Date(Date.UTC(2013, 10, 1)),
      );
      await runQuery(ctx, ddl);
    }
    progress.start(0, 'rows');
    const q = await runQuery(ctx, query.sql, query.params);
    for await (const page of resultPages(ctx, q.id)) {
      await results.addPage(
        `athena://${q.id}`,
        `athena://${opts.workgroup ?? 'primary'}/${q.id}/page-${results.pages + 1}`,
        page.map((row) => ({
          converted: athenaRowToRecord(row),
          account: row.account_id,
          region: row.region,
        })),
      );
      progress.tick(page.length);
    }
    const summary = await results.finish();
    return {
      ...summary,
      queryExecutionId: q.id,
      rows: results.rows,
      pages: results.pages,
      throttled: ctx.throttled.n,
      notes: results.notes,
      dataScannedBytes: q.scanned,
    };
  } catch (err) {
    await results.fail(err);
    throw err;
  } finally {
    progress.stop();
  }
}
