// What the Athena and CloudTrail Lake sources share: the event filter they push down, turning a
// result row back into a CloudTrail record for the canonical loader, retrying throttled calls,
// and recording coverage for the accounts and regions a query covered.

import { ACCOUNT_ID, EVENT_NAME, REGION_CODE } from '../core/aws-ids.ts';
import { LINEAGE_EVENT_NAMES } from '../core/events.ts';
import type { Store } from '../queries/store.ts';
import { BatchLoader, type IngestSummary } from './loader.ts';

export class QuerySourceError extends Error {
  override name = 'QuerySourceError';
}

/** The pushed-down filter's values, checked against strict patterns before any query is built. */
export interface EventFilter {
  since: Date;
  until: Date;
  accounts?: string[];
  regions?: string[];
  /** event names wanted beyond the lineage set, from any service */
  extraEvents?: string[];
  /**
   * Keep every KMS record of the lineage operations. By default a KMS record comes back only when
   * lineage can use it (ingest/pushdown.ts): its context names a key a rule or S3 replication reads,
   * or it has none; a failed call only with an S3 context. The rest is never copy evidence (it only
   * fills a key's usage timeline in forensics).
   */
  allKms?: boolean;
}

export function checkFilter(f: EventFilter): void {
  for (const a of f.accounts ?? [])
    if (!ACCOUNT_ID.test(a)) throw new QuerySourceError(`--accounts: '${a}' is not an account id`);
  for (const r of f.regions ?? [])
    if (!REGION_CODE.test(r)) throw new QuerySourceError(`--regions: '${r}' is not a region code`);
  for (const e of f.extraEvents ?? [])
    if (!EVENT_NAME.test(e)) throw new QuerySourceError(`--extra-events: '${e}' is not an event name`);
  if (f.until <= f.since) throw new QuerySourceError('--until must be later than --since');
}

// Athena's CloudTrail table lower-cases struct field names; the record's own spelling is restored
const FIELD_NAMES = new Map(
  [
    'principalId',
    'accountId',
    'invokedBy',
    'accessKeyId',
    'userName',
    'onBehalfOf',
    'userId',
    'identityStoreArn',
    'sessionContext',
    'mfaAuthenticated',
    'creationDate',
    'sessionIssuer',
    'ec2RoleDelivery',
    'webIdFederationData',
    'federatedProvider',
    'sourceIdentity',
    'tlsVersion',
    'cipherSuite',
    'clientProvidedHostHeader',
    'updatedFields',
    'originalRequestID',
    'originalEventID',
  ].map((k) => [k.toLowerCase(), k]),
);

/** Restores field names and drops the nulls a struct has for fields a record did not carry. */
function restore(value: unknown, parent = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => restore(v, parent));
  if (value === null || typeof value !== 'object') return value;
  // webIdFederationData.attributes is a map: its keys are data, not field names
  const isMap = parent === 'webIdFederationData.attributes';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    const key = isMap ? k : (FIELD_NAMES.get(k) ?? k);
    out[key] = isMap ? v : restore(v, `${parent.split('.').pop()}.${key}`);
  }
  return out;
}

export interface Converted {
  record: Record<string, unknown>;
  /** fields kept as text because they did not parse as JSON */
  notes: string[];
}

/** A JSON-text cell: parsed, or kept as text (nothing lost) with a note naming the field. */
function jsonCell(
  row: Record<string, string | null>,
  column: string,
  field: string,
  notes: string[],
): unknown {
  const text = row[column];
  if (text === null || text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    notes.push(`${field} is not JSON; kept as text`);
    return text;
  }
}

/** One Athena result row (columns of the CloudTrail table, structs cast to JSON) as a record. */
export function athenaRowToRecord(row: Record<string, string | null>): Converted {
  const notes: string[] = [];
  const text = (c: string) => row[c] ?? undefined;
  const struct = (c: string, field: string) => {
    const v = jsonCell(row, c, field, notes);
    return v === undefined ? undefined : restore(v);
  };
  const record: Record<string, unknown> = {
    eventVersion: text('eventversion'),
    userIdentity: struct('useridentity', 'userIdentity'),
    eventTime: text('eventtime'),
    eventSource: text('eventsource'),
    eventName: text('eventname'),
    awsRegion: text('awsregion'),
    sourceIPAddress: text('sourceipaddress'),
    userAgent: text('useragent'),
    errorCode: text('errorcode'),
    errorMessage: text('errormessage'),
    requestParameters: jsonCell(row, 'requestparameters', 'requestParameters', notes),
    responseElements: jsonCell(row, 'responseelements', 'responseElements', notes),
    additionalEventData: jsonCell(row, 'additionaleventdata', 'additionalEventData', notes),
    requestID: text('requestid'),
    eventID: text('eventid'),
    readOnly: row.readonly === null || row.readonly === undefined ? undefined : row.readonly === 'true',
    // resources[].ARN is upper case in records; userIdentity.arn is not
    resources: (struct('resources', 'resources') as Record<string, unknown>[] | undefined)?.map((r) => {
      const { arn, ...rest } = r as { arn?: unknown };
      return arn === undefined ? rest : { ...rest, ARN: arn };
    }),
    eventType: text('eventtype'),
    apiVersion: text('apiversion'),
    recipientAccountId: text('recipientaccountid'),
    serviceEventDetails: jsonCell(row, 'serviceeventdetails', 'serviceEventDetails', notes),
    sharedEventID: text('sharedeventid'),
    vpcEndpointId: text('vpcendpointid'),
    vpcEndpointAccountId: text('vpcendpointaccountid'),
    eventCategory: text('eventcategory'),
    addendum: struct('addendum', 'addendum'),
    sessionCredentialFromConsole: text('sessioncredentialfromconsole'),
    edgeDeviceDetails: jsonCell(row, 'edgedevicedetails', 'edgeDeviceDetails', notes),
    tlsDetails: struct('tlsdetails', 'tlsDetails'),
  };
  for (const k of Object.keys(record)) if (record[k] === undefined) delete record[k];
  return { record, notes };
}

/** Lake returns nested values as JSON text inside JSON text: parse down until it stops being JSON. */
function deepParse(value: unknown): unknown {
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return deepParse(JSON.parse(t));
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(deepParse);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = deepParse(v);
    return out;
  }
  return value;
}

/** Lake's eventTime is `2026-03-01 10:00:00.000`; records carry `2026-03-01T10:00:00Z`. */
export function lakeTime(value: string | undefined): string | undefined {
  if (!value) return value;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?Z?$/.exec(value.trim());
  return m ? `${m[1]}T${m[2]}Z` : value;
}

/** One CloudTrail Lake result row (a list of one-key maps) as a record. */
export function lakeRowToRecord(cells: Record<string, string>[]): Converted {
  const notes: string[] = [];
  const row: Record<string, string> = Object.assign({}, ...cells);
  const record: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === null || value === undefined || value === '') continue;
    if (column === 'eventTime') record.eventTime = lakeTime(value);
    else if (column === 'readOnly') record.readOnly = value === 'true';
    else {
      const parsed = deepParse(value);
      if (typeof parsed === 'string' && /^[[{]/.test(parsed.trim()))
        notes.push(`${column} is not JSON; kept as text`);
      record[column] = parsed;
    }
  }
  return { record, notes };
}

export interface QueryCoverage {
  source: 'athena' | 'lake';
  since: Date;
  until: Date;
  /** events per account and region the results held */
  seen: Map<string, number>;
  accounts?: string[];
  regions?: string[];
  error: string | null;
}

/**
 * Coverage of a query: every requested account x region (or every pair seen in the results) over
 * the window, with its event count; a failed query records its error against what it asked for.
 */
export async function recordQueryCoverage(store: Store, c: QueryCoverage): Promise<number> {
  const units = new Map<string, number>(c.seen);
  if (c.accounts && c.regions) {
    for (const a of c.accounts)
      for (const r of c.regions) units.set(`${a}|${r}`, c.seen.get(`${a}|${r}`) ?? 0);
  }
  if (units.size === 0 && c.error) {
    for (const a of c.accounts ?? ['*']) for (const r of c.regions ?? ['*']) units.set(`${a}|${r}`, 0);
  }
  for (const [key, events] of units) {
    const [account, region] = key.split('|') as [string, string];
    await store.run('ingest/upsert_query_coverage', {
      source: c.source,
      account,
      region,
      since: c.since.toISOString(),
      until: c.until.toISOString(),
      events,
      error: c.error,
    });
  }
  return units.size;
}

export const lineageNames = (extra: string[] = []): string[] => [
  ...new Set([...LINEAGE_EVENT_NAMES, ...extra]),
];

/**
 * Loads a query's result pages: each page's records go through the canonical loader as one NDJSON
 * "file"; events are counted per account and region for coverage, and conversion notes are kept.
 */
export class ResultLoader {
  rows = 0;
  pages = 0;
  readonly notes: string[] = [];
  private readonly seen = new Map<string, number>();

  private constructor(
    private readonly store: Store,
    private readonly loader: BatchLoader,
    private readonly coverage: Omit<QueryCoverage, 'seen' | 'error'>,
  ) {}

  static async create(store: Store, coverage: Omit<QueryCoverage, 'seen' | 'error'>): Promise<ResultLoader> {
    const loader = await BatchLoader.create(store, { source: coverage.source, eventCoverage: false });
    return new ResultLoader(store, loader, coverage);
  }

  /** One page; `query` names the query in notes, `location` names the page in the ledger. */
  async addPage(
    query: string,
    location: string,
    items: { converted: Converted; account?: string | null; region?: string | null }[],
  ): Promise<void> {
    this.pages++;
    const lines = items.map(({ converted: { record, notes }, account, region }, i) => {
      for (const note of notes) {
        this.notes.push(
          `${query} row ${this.rows + i + 1} (${String(record.eventID ?? 'no eventID')}): ${note}`,
        );
      }
      const key = `${account ?? record.recipientAccountId ?? '*'}|${region ?? record.awsRegion ?? '*'}`;
      this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
      return JSON.stringify(record);
    });
    this.rows += lines.length;
    if (lines.length === 0) return;
    const body = Buffer.from(lines.join('\n'));
    await this.loader.add({ location, size: body.length, read: async () => body });
  }

  /** Commits the last batch and records coverage for what the results held. */
  async finish(): Promise<IngestSummary & { coverageUnits: number }> {
    const summary = await this.loader.finish();
    const coverageUnits = await recordQueryCoverage(this.store, {
      ...this.coverage,
      seen: this.seen,
      error: null,
    });
    return { ...summary, coverageUnits };
  }

  /** After a failure: what was loaded stays, and the gap is recorded so reports show it as unknown. */
  async fail(err: unknown): Promise<void> {
    await this.loader.finish().catch(() => this.loader.abort());
    await recordQueryCoverage(this.store, {
      ...this.coverage,
      seen: new Map(),
      error: (err as Error).message,
    });
  }
}
