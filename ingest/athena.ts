// `ingest athena`: the heavy scan runs in Athena over the trail bucket; copytrail pulls back only
// the records lineage and reports need. The filter (fixed text in queries/athena/) prunes partitions
// on day, account and region, every value an execution parameter; its KMS part comes from
// ingest/pushdown.ts, and DuckDB runs the same text over local files (ingest/pushdown-local.ts). Result pages go through the same
// loader as files, so they are normalized, deduplicated and ledgered alike.

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
import {
  includeQuery,
  listValue,
  placeholderCount,
  quoteIdent,
  quoteLiteral,
  sqlTemplate,
} from '../queries/sql-text.ts';
import type { Store } from '../queries/store.ts';
import type { IngestSummary } from './loader.ts';
import { kmsParameters } from './pushdown.ts';
import {
  athenaRowToRecord,
  checkFilter,
  type EventFilter,
  lineageNames,
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
// Athena's own pattern for a workgroup name
const WORKGROUP = /^[a-zA-Z0-9._-]{1,128}$/;

/**
 * How many accounts and regions one query can name: athena/lineage_filter.sql tests each with IN
 * over this many parameters, so that Athena can prune partitions on them (see the file's header).
 */
export const ACCOUNT_SLOTS = 100;
export const REGION_SLOTS = 64;
/** Athena's limit on one execution parameter, quotes included. */
const PARAMETER_MAX = 1024;

/** A value as an Athena execution parameter: Athena substitutes it as written, a quoted literal. */
const executionParameter = (v: string) => quoteLiteral(v, 'trino').text;

const day = (d: string) => d.replaceAll('-', '/');

export interface BuiltQuery {
  sql: string;
  /** raw values, in placeholder order (Athena gets them quoted, DuckDB bound as they are) */
  params: string[];
}

/** A partition list as the filter takes it: its mode, then exactly `slots` values. */
function slotted(values: readonly string[], slots: number, flag: string): string[] {
  const unique = [...new Set(values)];
  if (unique.length > slots) {
    throw new QuerySourceError(
      `${flag}: ${unique.length} given; one Athena query names at most ${slots} (run one query per group, or leave ${flag} out to read all the table projects)`,
    );
  }
  const pad = unique[0] ?? '';
  return [unique.length ? 'listed' : 'all', ...Array.from({ length: slots }, (_, i) => unique[i] ?? pad)];
}

/** A list as one execution parameter, refused when Athena could not take it. */
function listParameter(values: readonly string[], flag: string): string {
  const value = listValue(values);
  if (executionParameter(value).length > PARAMETER_MAX) {
    throw new QuerySourceError(
      `${flag}: the list is longer than one Athena execution parameter holds (${PARAMETER_MAX} characters)`,
    );
  }
  return value;
}

/** How many execution parameters the lineage event names are spread over (lineage_filter.sql). */
const NAME_PARTS = 3;

/**
 * A list split over `parts` execution parameters, each within what Athena takes, in order; a part
 * left over is '' (no name). Refused when the list does not fit them all.
 */
function listParameters(values: readonly string[], parts: number, flag: string): string[] {
  const out: string[][] = [[]];
  for (const v of values) {
    const current = out[out.length - 1]!;
    if (current.length && executionParameter(listValue([...current, v])).length > PARAMETER_MAX)
      out.push([v]);
    else current.push(v);
  }
  if (out.length > parts) {
    throw new QuerySourceError(
      `${flag}: the list is longer than ${parts} Athena execution parameters hold (${PARAMETER_MAX} characters each)`,
    );
  }
  return Array.from({ length: parts }, (_, i) => listParameter(out[i] ?? [], flag));
}

/** The WHERE clause and its values: shared by the Athena query and its DuckDB check. */
export function athenaFilter(f: EventFilter): BuiltQuery {
  checkFilter(f);
  // folders are named by delivery day: a record can sit in the next day's folder
  const days = daysOf({ since: f.since, until: f.until }, 1);
  const names = lineageNames();
  const extra = (f.extraEvents ?? []).filter((e) => !names.includes(e));
  const sql = includeQuery('athena/lineage_filter').text;
  const params = [
    day(days[0]!),
    day(days[days.length - 1]!),
    isoSeconds(f.since),
    isoSeconds(f.until),
    ...slotted(f.accounts ?? [], ACCOUNT_SLOTS, '--accounts'),
    ...slotted(f.regions ?? [], REGION_SLOTS, '--regions'),
    listParameter(LINEAGE_EVENT_SOURCES, 'lineage event sources'),
    ...listParameters(names, NAME_PARTS, 'lineage event names'),
    listParameter(extra, '--extra-events'),
    ...kmsParameters(f.allKms ?? false),
  ];
  // the file and this list must agree on every position
  const expected = placeholderCount(sql);
  if (expected !== params.length) {
    throw new QuerySourceError(`athena/lineage_filter takes ${expected} parameters; ${params.length} built`);
  }
  return { sql, params };
}

export function athenaQuery(table: string, f: EventFilter): BuiltQuery {
  if (!IDENTIFIER.test(table)) throw new QuerySourceError(`--table: '${table}' is not an Athena table name`);
  const filter = athenaFilter(f);
  return {
    sql: sqlTemplate('athena/lineage_events', {
      table: quoteIdent(table, 'trino'),
      filter: includeQuery('athena/lineage_filter'),
    }),
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
  const literal = (v: string) => quoteLiteral(v, 'hive');
  return sqlTemplate('athena/create_table', {
    table: quoteIdent(table, 'hive'),
    location: literal(location),
    // Athena's own placeholders: the projected partition values fill them per folder
    template: literal(`${location}\${account_id}/CloudTrail/\${region}/\${log_date}`),
    accounts: literal(listValue(accounts)),
    regions: literal(listValue(regions)),
    day_range: literal(`${day(start.toISOString().slice(0, 10))},NOW`),
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
        ExecutionParameters: params?.length ? params.map(executionParameter) : undefined,
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
  if (opts.workgroup !== undefined && !WORKGROUP.test(opts.workgroup))
    throw new QuerySourceError(`--workgroup: '${opts.workgroup}' is not an Athena workgroup name`);
  // every statement is built, and so every value checked, before the first call
  const query = athenaQuery(opts.table, opts);
  const ddl = opts.createTable
    ? createTableDdl(
        opts.table,
        opts.createTable.trailLocation,
        opts.accounts ?? [],
        opts.regions?.length ? opts.regions : defaultRegions(),
        new Date(Date.UTC(2013, 10, 1)),
      )
    : null;
  const ctx: RunContext = { client, opts, sleep: opts.sleep ?? realSleep, throttled: { n: 0 } };
  const results = await ResultLoader.create(store, {
    source: 'athena',
    since: opts.since,
    until: opts.until,
    accounts: opts.accounts,
    regions: opts.regions,
  });
  try {
    if (ddl) await runQuery(ctx, ddl);
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
