// `ingest lake`: the same pushed-down query through CloudTrail Lake (StartQuery, DescribeQuery,
// GetQueryResults). Lake binds no parameters to an ad-hoc statement: queries/lake/ holds its text, and
// each slot gets a value that passed a strict pattern, quoted by queries/sql-text.ts. CloudTrail Lake
// is closed to new customers since 2026-05-31; existing event data stores keep working.

import {
  CancelQueryCommand,
  type CloudTrailClient,
  DescribeQueryCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryCommand,
} from '@aws-sdk/client-cloudtrail';
import { ACCOUNT_ID, EVENT_DATA_STORE_ARN } from '../core/aws-ids.ts';
import { LINEAGE_EVENT_SOURCES } from '../core/events.ts';
import { type Progress, silentProgress } from '../core/progress.ts';
import { listValue, quoteIdent, quoteLiteral, sqlTemplate } from '../queries/sql-text.ts';
import type { Store } from '../queries/store.ts';
import type { AthenaResult } from './athena.ts';
import { PUSHDOWN_CONTEXT_KEYS, S3_CONTEXT_KEY } from './pushdown.ts';
import {
  checkFilter,
  type EventFilter,
  lakeRowToRecord,
  lineageNames,
  QuerySourceError,
  ResultLoader,
} from './query-source.ts';
import { realSleep, withThrottleRetry } from './retry.ts';

export interface LakeOptions extends EventFilter {
  /** event data store id or ARN */
  eventDataStore: string;
  /** the store's owner, when it is shared from another account */
  ownerAccountId?: string;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export type LakeResult = Omit<AthenaResult, 'queryExecutionId'> & { queryId: string };

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const STORE_ARN = EVENT_DATA_STORE_ARN;

/** Lake's eventTime literal text: `2026-03-01 10:00:00`, UTC. */
const lakeTimeText = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');

export function eventDataStoreId(value: string): string {
  const arn = STORE_ARN.exec(value);
  if (arn) return arn[1]!;
  if (STORE_ID.test(value)) return value;
  throw new QuerySourceError(`--event-data-store: '${value}' is not an event data store id or ARN`);
}

/** The pushdown's context keys as one regular expression; a key with a metacharacter is refused. */
function contextKeyPattern(): string {
  for (const k of PUSHDOWN_CONTEXT_KEYS)
    if (!/^[A-Za-z0-9:-]+$/.test(k))
      throw new QuerySourceError(`context key '${k}' cannot be matched literally`);
  return PUSHDOWN_CONTEXT_KEYS.join('|');
}

export function lakeQuery(f: LakeOptions): string {
  checkFilter(f);
  const names = lineageNames();
  const extra = (f.extraEvents ?? []).filter((e) => !names.includes(e));
  // every value below passed a strict pattern (or is a time copytrail formatted); quoteLiteral is
  // still the only way any of them becomes SQL text
  const literal = (v: string) => quoteLiteral(v, 'lake');
  return sqlTemplate('lake/lineage_events', {
    event_data_store: quoteIdent(eventDataStoreId(f.eventDataStore), 'lake'),
    since: literal(lakeTimeText(f.since)),
    until: literal(lakeTimeText(f.until)),
    accounts: literal(listValue(f.accounts ?? [])),
    regions: literal(listValue(f.regions ?? [])),
    sources: literal(listValue(LINEAGE_EVENT_SOURCES)),
    names: literal(listValue(names)),
    extra_names: literal(listValue(extra)),
    kms: literal(f.allKms ? 'all' : 'evidence'),
    s3_key: literal(S3_CONTEXT_KEY),
    context_keys: literal(contextKeyPattern()),
  });
}

export async function ingestLake(
  store: Store,
  client: CloudTrailClient,
  opts: LakeOptions,
  progress: Progress = silentProgress,
): Promise<LakeResult> {
  const statement = lakeQuery(opts);
  if (opts.ownerAccountId !== undefined && !ACCOUNT_ID.test(opts.ownerAccountId))
    throw new QuerySourceError(`--owner-account: '${opts.ownerAccountId}' is not an account id`);
  const sleep = opts.sleep ?? realSleep;
  const throttled = { n: 0 };
  const call = <T>(fn: () => Promise<T>) => withThrottleRetry(fn, sleep, () => throttled.n++);
  let queryId = '';
  let scanned: number | null = null;
  const results = await ResultLoader.create(store, {
    source: 'lake',
    since: opts.since,
    until: opts.until,
    accounts: opts.accounts,
    regions: opts.regions,
  });
  try {
    const started = await call(() =>
      client.send(
        new StartQueryCommand({
          QueryStatement: statement,
          EventDataStoreOwnerAccountId: opts.ownerAccountId,
        }),
      ),
    );
    queryId = started.QueryId ?? '';
    if (!queryId) throw new QuerySourceError('CloudTrail Lake started a query but returned no QueryId');
    const deadline = Date.now() + (opts.timeoutMs ?? 60 * 60_000);
    let wait = 250;
    for (let done = false; !done; ) {
      if (opts.signal?.aborted || Date.now() > deadline) {
        await client.send(new CancelQueryCommand({ QueryId: queryId })).catch(() => {});
        throw new QuerySourceError(
          opts.signal?.aborted
            ? `Lake query ${queryId} cancelled: interrupted`
            : `Lake query ${queryId} did not finish in time; cancelled it`,
        );
      }
      const d = await call(() => client.send(new DescribeQueryCommand({ QueryId: queryId })));
      switch (d.QueryStatus) {
        case 'FINISHED':
          scanned = d.QueryStatistics?.BytesScanned ?? null;
          done = true;
          break;
        case 'FAILED':
        case 'CANCELLED':
        case 'TIMED_OUT':
          throw new QuerySourceError(
            `Lake query ${queryId} ${d.QueryStatus}${d.ErrorMessage ? `: ${d.ErrorMessage}` : ''}`,
          );
        default:
          await sleep(wait);
          wait = Math.min(Math.round(wait * 1.5), 5000);
      }
    }
    progress.start(0, 'rows');
    let token: string | undefined;
    do {
      const page: GetQueryResultsCommandOutput = await call(() =>
        client.send(
          new GetQueryResultsCommand({ QueryId: queryId, NextToken: token, MaxQueryResults: 1000 }),
        ),
      );
      const items = (page.QueryResultRows ?? []).map((cells) => ({
        converted: lakeRowToRecord(cells as Record<string, string>[]),
      }));
      await results.addPage(
        `lake://${queryId}`,
        `lake://${eventDataStoreId(opts.eventDataStore)}/${queryId}/page-${results.pages + 1}`,
        items,
      );
      progress.tick(items.length);
      token = page.NextToken;
    } while (token);
    const summary = await results.finish();
    return {
      ...summary,
      queryId,
      rows: results.rows,
      pages: results.pages,
      throttled: throttled.n,
      notes: results.notes,
      dataScannedBytes: scanned,
    };
  } catch (err) {
    await results.fail(err);
    throw err;
  } finally {
    progress.stop();
  }
}
