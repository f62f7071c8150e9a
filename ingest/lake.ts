// `ingest lake`: the same pushed-down query through CloudTrail Lake (StartQuery, DescribeQuery,
// GetQueryResults). Lake binds no parameters to an ad-hoc statement, so every value placed in the
// statement is one copytrail checked against a strict pattern or formatted itself. CloudTrail Lake
// is closed to new customers since 2026-05-31; existing event data stores keep working.

import {
  CancelQueryCommand,
  type CloudTrailClient,
  DescribeQueryCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryCommand,
} from '@aws-sdk/client-cloudtrail';
import { EVENT_DATA_STORE_ARN } from '../core/aws-ids.ts';
import { LINEAGE_EVENT_SOURCES } from '../core/events.ts';
import { type Progress, silentProgress } from '../core/progress.ts';
import type { Store } from '../queries/store.ts';
import { sqlText } from '../queries/store.ts';
import type { AthenaResult } from './athena.ts';
import {
  checkFilter,
  type EventFilter,
  fillTemplate,
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

// values below passed EVENT_NAME, ACCOUNT_ID or REGION_CODE, which allow no quote; doubling is a second guard
const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;
const list = (vs: readonly string[]) => vs.map(quote).join(', ');
const lakeTimeLiteral = (d: Date) =>
  quote(
    d
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, ''),
  );

// Lake's requestParameters is a map of JSON text: look where KMS keeps encryption contexts
const CONTEXT_KEYS = [
  'encryptionContext',
  'constraints',
  'sourceEncryptionContext',
  'destinationEncryptionContext',
];
const LAKE_KMS_PREDICATE = `(eventSource <> 'kms.amazonaws.com'
     OR ${CONTEXT_KEYS.map((k) => `element_at(requestParameters, '${k}') LIKE '%aws:ebs:id%' OR element_at(requestParameters, '${k}') LIKE '%aws:rds:db-id%'`).join('\n     OR ')}
     OR (${CONTEXT_KEYS.map((k) => `element_at(requestParameters, '${k}') IS NULL`).join(' AND ')}))`;

export function eventDataStoreId(value: string): string {
  const arn = STORE_ARN.exec(value);
  if (arn) return arn[1]!;
  if (STORE_ID.test(value)) return value;
  throw new QuerySourceError(`--event-data-store: '${value}' is not an event data store id or ARN`);
}

export function lakeQuery(f: LakeOptions): string {
  checkFilter(f);
  const names = lineageNames();
  const extra = (f.extraEvents ?? []).filter((e) => !names.includes(e));
  return fillTemplate(sqlText('lake/lineage_events'), {
    event_data_store: eventDataStoreId(f.eventDataStore),
    since: lakeTimeLiteral(f.since),
    until: lakeTimeLiteral(f.until),
    account_pred: f.accounts?.length ? `recipientAccountId IN (${list(f.accounts)})` : 'TRUE',
    region_pred: f.regions?.length ? `awsRegion IN (${list(f.regions)})` : 'TRUE',
    sources: list(LINEAGE_EVENT_SOURCES),
    names: list(names),
    extra_pred: extra.length ? `OR eventName IN (${list(extra)})` : '',
    kms_pred: f.allKms ? 'TRUE' : LAKE_KMS_PREDICATE,
  });
}

export async function ingestLake(
  store: Store,
  client: CloudTrailClient,
  opts: LakeOptions,
  progress: Progress = silentProgress,
): Promise<LakeResult> {
  const statement = lakeQuery(opts);
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
