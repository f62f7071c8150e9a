// What the Athena and Lake tests share: simulator data ingested locally, the Athena CloudTrail table
// as DuckDB sees the same files, copytrail's pushed-down filter run over it in DuckDB, and the same
// selection written independently over the local store, to compare with.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINEAGE_EVENT_SOURCES } from '../../core/events.ts';
import { athenaFilter } from '../../ingest/athena.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { type EventFilter, lineageNames } from '../../ingest/query-source.ts';
import { Store } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';

export const SINCE = new Date('2026-03-01T06:00:00Z');
export const UNTIL = new Date('2026-03-02T18:00:00Z');
export const ACCOUNTS = ['351842270915', '468213579024', '682435792246'];
export const COLUMNS = [
  'eventversion',
  'useridentity',
  'eventtime',
  'eventsource',
  'eventname',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'requestid',
  'eventid',
  'readonly',
  'resources',
  'eventtype',
  'apiversion',
  'recipientaccountid',
  'serviceeventdetails',
  'sharedeventid',
  'vpcendpointid',
  'vpcendpointaccountid',
  'eventcategory',
  'addendum',
  'sessioncredentialfromconsole',
  'edgedevicedetails',
  'tlsdetails',
  'account_id',
  'region',
];

/** Athena's CloudTrail table lower-cases struct field names (map keys excepted). */
function lowerKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(lowerKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), lowerKeys(x)]));
}

const quoted = (vs: readonly string[]) => vs.map((v) => `'${v}'`).join(',');

export interface Selection {
  accounts?: string[];
  regions?: string[];
  extraEvents?: string[];
  allKms?: boolean;
}

export class QueryFixture {
  private constructor(
    readonly work: string,
    readonly local: Store,
  ) {}

  /** Simulated trail files, ingested into a local store, with the Athena table over them as a view. */
  static async open(prefix: string): Promise<QueryFixture> {
    const work = mkdtempSync(join(tmpdir(), prefix));
    const sim = simulate({ out: join(work, 'trail'), events: 8000, days: 3, start: '2026-03-01', seed: 11 });
    const local = await Store.open({ path: join(work, 'local.duckdb') });
    await ingestDir(local, [sim.out]);
    // partitions come from each file's folder, as Athena's partition projection reads them
    await local.userQuery(`create or replace view cloudtrail_logs as
      select e.event_version as eventversion, e.user_identity::varchar as useridentity,
             strftime(e.event_time::timestamp, '%Y-%m-%dT%H:%M:%SZ') as eventtime,
             e.event_source as eventsource, e.event_name as eventname, e.aws_region as awsregion,
             e.source_ip as sourceipaddress, e.user_agent as useragent, e.error_code as errorcode,
             e.error_message as errormessage, e.request_parameters::varchar as requestparameters,
             e.response_elements::varchar as responseelements,
             e.additional_event_data::varchar as additionaleventdata, e.request_id as requestid,
             e.event_id as eventid, e.read_only::varchar as readonly, e.resources::varchar as resources,
             e.event_type as eventtype, null as apiversion, e.recipient_account_id as recipientaccountid,
             e.service_event_details::varchar as serviceeventdetails, e.shared_event_id as sharedeventid,
             e.vpc_endpoint_id as vpcendpointid, null as vpcendpointaccountid,
             e.event_category as eventcategory, e.addendum::varchar as addendum,
             null as sessioncredentialfromconsole, null as edgedevicedetails,
             e.tls_details::varchar as tlsdetails,
             f.path_account_id as account_id, f.path_region as region,
             strftime(f.path_date, '%Y/%m/%d') as log_date
      from events e join ingested_files f using (file_id)`);
    return new QueryFixture(work, local);
  }

  close(): void {
    this.local.close();
    rmSync(this.work, { recursive: true, force: true });
  }

  /** The rows Athena would return: copytrail's filter, as athenaFilter builds it, run by DuckDB. */
  async athenaRows(f: EventFilter): Promise<Record<string, string | null>[]> {
    const filter = athenaFilter(f);
    const prepared = await this.local.conn.prepare(
      `select ${COLUMNS.join(', ')} from cloudtrail_logs where ${filter.sql} order by eventid`,
    );
    for (const [i, p] of filter.params.entries()) prepared.bindVarchar(i + 1, p);
    const rows = (await prepared.runAndReadAll()).getRowObjectsJson() as Record<string, string | null>[];
    return rows.map((r) => {
      const out = { ...r };
      for (const c of ['useridentity', 'resources', 'tlsdetails', 'addendum']) {
        if (out[c]) out[c] = JSON.stringify(lowerKeys(JSON.parse(out[c]!)));
      }
      return out;
    });
  }

  /** The same selection written independently, over the local store's events. */
  async expectedIds(s: Selection): Promise<string[]> {
    const names = lineageNames();
    const extra = (s.extraEvents ?? []).filter((e) => !names.includes(e));
    const where = [
      `event_time >= '${SINCE.toISOString()}' and event_time < '${UNTIL.toISOString()}'`,
      s.accounts ? `recipient_account_id in (${quoted(s.accounts)})` : 'true',
      s.regions ? `aws_region in (${quoted(s.regions)})` : 'true',
      `((event_source in (${quoted(LINEAGE_EVENT_SOURCES)}) and event_name in (${quoted(names)}))
        or event_name in (${quoted(extra.length ? extra : ['-'])}))`,
      s.allKms
        ? 'true'
        : // what the correlator reads (extract_kms_context.sql): a failed call only with an S3
          // context; then no context at all, or one naming a key a rule or S3 replication reads
          `(event_source <> 'kms.amazonaws.com' or (
             (error_code is null or (request_parameters -> 'encryptionContext' ->> 'aws:s3:arn') is not null)
             and (request_parameters is null
               or not coalesce(((request_parameters -> 'encryptionContext') is not null
                                and (request_parameters ->> 'encryptionContext') <> '{}')
                               or (request_parameters -> 'constraints') is not null
                               or (request_parameters -> 'sourceEncryptionContext') is not null
                               or (request_parameters -> 'destinationEncryptionContext') is not null, false)
               or request_parameters::varchar like '%aws:ebs:id%' or request_parameters::varchar like '%aws:rds:db-id%'
               or request_parameters::varchar like '%aws:s3:arn%')))`,
    ];
    const { rows } = await this.local.userQuery(
      `select event_id from events where ${where.join(' and ')} order by 1`,
    );
    return rows.map((r) => String(r.event_id));
  }
}

/** Lake rows: one-key maps in column order; nested values as JSON text inside the JSON. */
export function lakeRows(rows: Record<string, string | null>[]): Record<string, string>[][] {
  const camel: Record<string, string> = {
    eventversion: 'eventVersion',
    useridentity: 'userIdentity',
    eventtime: 'eventTime',
    eventsource: 'eventSource',
    eventname: 'eventName',
    awsregion: 'awsRegion',
    sourceipaddress: 'sourceIPAddress',
    useragent: 'userAgent',
    errorcode: 'errorCode',
    errormessage: 'errorMessage',
    requestparameters: 'requestParameters',
    responseelements: 'responseElements',
    additionaleventdata: 'additionalEventData',
    requestid: 'requestID',
    eventid: 'eventID',
    readonly: 'readOnly',
    resources: 'resources',
    eventtype: 'eventType',
    recipientaccountid: 'recipientAccountId',
    serviceeventdetails: 'serviceEventDetails',
    sharedeventid: 'sharedEventID',
    vpcendpointid: 'vpcEndpointId',
  };
  return rows.map((r) =>
    Object.entries(camel)
      .filter(([a]) => r[a] !== null && r[a] !== undefined)
      .map(([a, c]) => {
        let v = String(r[a]);
        if (a === 'eventtime') v = v.replace('T', ' ').replace('Z', '.000');
        if (a === 'requestparameters' || a === 'responseelements') {
          // map<string,string>: nested objects come back as JSON strings
          const o = JSON.parse(v) as Record<string, unknown>;
          v = JSON.stringify(
            Object.fromEntries(
              Object.entries(o).map(([k, x]) => [
                k,
                typeof x === 'object' && x !== null ? JSON.stringify(x) : x,
              ]),
            ),
          );
        }
        return { [c]: v };
      }),
  );
}

/**
 * A statement's string literals, and its text with each literal replaced by `''`: what is left is
 * the text no quoting helper made.
 */
export function splitLiterals(sql: string): { literals: string[]; rest: string } {
  const literals: string[] = [];
  const rest = sql.replace(/'(?:[^']|'')*'/g, (m) => {
    literals.push(m);
    return "''";
  });
  return { literals, rest };
}
