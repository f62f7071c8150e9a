// ingest athena and ingest lake, mocked at the SDK boundary (nothing here emulates Athena or Lake).
// The result rows the mocks return are produced by running copytrail's own pushed-down filter in
// DuckDB over a local ingest of simulator data, shaped as Athena and Lake return them; the loaded
// result must equal the local ingest's event set for the same filter.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  CloudTrailClient,
  DescribeQueryCommand,
  GetQueryResultsCommand as LakeResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LINEAGE_EVENT_SOURCES } from '../../core/events.ts';
import { correlate } from '../../correlate/correlate.ts';
import { athenaFilter, createTableDdl, ingestAthena } from '../../ingest/athena.ts';
import { ingestDir } from '../../ingest/ingest-dir.ts';
import { ingestLake, lakeQuery } from '../../ingest/lake.ts';
import { lineageNames } from '../../ingest/query-source.ts';
import { Store } from '../../queries/store.ts';
import { simulate } from '../../simulator/simulate.ts';
import { count, memoryStore } from '../helpers.ts';

const athena = mockClient(AthenaClient);
const lake = mockClient(CloudTrailClient);

const SINCE = new Date('2026-03-01T06:00:00Z');
const UNTIL = new Date('2026-03-02T18:00:00Z');
const ACCOUNTS = ['351842270915', '468213579024', '682435792246'];
const COLUMNS = [
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

let work: string;
let local: Store;
let athenaRows: Record<string, string | null>[];
let expectedIds: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'copytrail-athena-'));
  const sim = simulate({ out: join(work, 'trail'), events: 8000, days: 3, start: '2026-03-01', seed: 11 });
  local = await Store.open({ path: join(work, 'local.duckdb') });
  await ingestDir(local, [sim.out]);
  // the Athena table as DuckDB sees the same files: partitions from each file's folder
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
  const filter = athenaFilter({
    since: SINCE,
    until: UNTIL,
    accounts: ACCOUNTS,
    extraEvents: ['ConsoleLogin'],
  });
  const prepared = await local.conn.prepare(
    `select ${COLUMNS.join(', ')} from cloudtrail_logs where ${filter.sql} order by eventid`,
  );
  for (const [i, p] of filter.params.entries()) prepared.bindVarchar(i + 1, p);
  athenaRows = ((await prepared.runAndReadAll()).getRowObjectsJson() as Record<string, string | null>[]).map(
    (r) => {
      const out = { ...r };
      for (const c of ['useridentity', 'resources', 'tlsdetails', 'addendum']) {
        if (out[c]) out[c] = JSON.stringify(lowerKeys(JSON.parse(out[c]!)));
      }
      return out;
    },
  );
  // the same selection written independently, over the local store
  const names = lineageNames(['ConsoleLogin']);
  const { rows } = await local.userQuery(`select event_id from events
    where event_time >= '${SINCE.toISOString()}' and event_time < '${UNTIL.toISOString()}'
      and recipient_account_id in (${ACCOUNTS.map((a) => `'${a}'`).join(',')})
      and ((event_source in (${LINEAGE_EVENT_SOURCES.map((s) => `'${s}'`).join(',')})
            and event_name in (${names
              .filter((n) => n !== 'ConsoleLogin')
              .map((n) => `'${n}'`)
              .join(',')}))
           or event_name = 'ConsoleLogin')
      and (event_source <> 'kms.amazonaws.com' or request_parameters is null
           or request_parameters::varchar like '%aws:ebs:id%' or request_parameters::varchar like '%aws:rds:db-id%'
           or request_parameters::varchar not like '%ncryptionContext%')
    order by 1`);
  expectedIds = rows.map((r) => String(r.event_id));
}, 120_000);

afterAll(() => {
  local?.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  athena.reset();
  lake.reset();
});

/** Athena result pages: column metadata on every page, the header row on the first page only. */
function athenaPages(rows: Record<string, string | null>[], size: number, before?: () => void) {
  const toRow = (r: Record<string, string | null>): Row => ({
    Data: COLUMNS.map((c) => (r[c] === null || r[c] === undefined ? {} : { VarCharValue: String(r[c]) })),
  });
  const pages: Row[][] = [];
  for (let i = 0; i < rows.length; i += size) pages.push(rows.slice(i, i + size).map(toRow));
  if (pages.length === 0) pages.push([]);
  pages[0]!.unshift({ Data: COLUMNS.map((c) => ({ VarCharValue: c })) });
  athena.on(GetQueryResultsCommand).callsFake((input: { NextToken?: string }) => {
    before?.();
    const n = input.NextToken ? Number(input.NextToken) : 0;
    return {
      ResultSet: {
        Rows: pages[n],
        ResultSetMetadata: { ColumnInfo: COLUMNS.map((c) => ({ Name: c, Type: 'varchar' })) },
      },
      NextToken: n + 1 < pages.length ? String(n + 1) : undefined,
    };
  });
  return pages.length;
}

function states(...list: { State: string; StateChangeReason?: string }[]) {
  let mock = athena.on(GetQueryExecutionCommand);
  for (const s of list.slice(0, -1)) mock = mock.resolvesOnce({ QueryExecution: { Status: s as never } });
  mock.resolves({
    QueryExecution: { Status: list.at(-1) as never, Statistics: { DataScannedInBytes: 123456 } },
  });
}

const sleeps: number[] = [];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};
const options = {
  database: 'cloudtrail',
  table: 'cloudtrail_logs',
  since: SINCE,
  until: UNTIL,
  accounts: ACCOUNTS,
  extraEvents: ['ConsoleLogin'],
  pageSize: 500,
  sleep,
};

describe('ingest athena', () => {
  it('pushes the filter down as parameters and loads the same events as a local ingest, page by page', async () => {
    expect(expectedIds.length).toBeGreaterThan(150);
    expect(athenaRows.map((r) => r.eventid)).toEqual(expectedIds);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    states({ State: 'QUEUED' }, { State: 'RUNNING' }, { State: 'RUNNING' }, { State: 'SUCCEEDED' });
    const pages = athenaPages(athenaRows, 50);
    expect(pages).toBeGreaterThan(1);
    sleeps.length = 0;
    const store = await memoryStore();
    const r = await ingestAthena(store, new AthenaClient({}), options);

    // no value is in the SQL text: all are execution parameters, quoted as literals
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(start.QueryString).not.toContain(ACCOUNTS[0]);
    expect(start.QueryString).not.toContain('ConsoleLogin');
    expect(start.QueryString!.match(/log_date BETWEEN \? AND \?/g)).toHaveLength(1);
    expect(start.QueryString).not.toContain('--');
    expect(start.QueryString).toMatch(/account_id IN \(\?, \?, \?\)/);
    expect(start.ExecutionParameters).toContain(`'${ACCOUNTS[0]}'`);
    expect(start.ExecutionParameters!.slice(0, 2)).toEqual(["'2026/02/28'", "'2026/03/03'"]);
    expect(start.QueryExecutionContext).toEqual({ Database: 'cloudtrail' });
    // QUEUED, RUNNING, RUNNING: three polls with growing waits
    expect(sleeps).toEqual([250, 375, 563]);

    expect(r.rows).toBe(expectedIds.length);
    expect(r.pages).toBe(pages);
    expect(r.dataScannedBytes).toBe(123456);
    expect(r.recordsRejected).toBe(0);
    const { rows } = await store.userQuery('select event_id from events order by 1');
    expect(rows.map((x) => String(x.event_id))).toEqual(expectedIds);

    // field by field, the records Athena returned load as the files did
    const cols =
      'event_id, event_time, event_name, aws_region, recipient_account_id, actor_type, actor_arn, actor_account_id, invoked_by, session_issuer_arn, source_ip, user_agent, error_code, request_id, shared_event_id, read_only, request_parameters::varchar, response_elements::varchar, resources::varchar, service_event_details::varchar';
    await local.userQuery(
      `create or replace table athena_expected as select ${cols} from events where event_id in (select unnest(['${expectedIds.join("','")}'])) order by event_id`,
    );
    const want = (await local.userQuery('select * from athena_expected')).rows;
    const got = (await store.userQuery(`select ${cols} from events order by event_id`)).rows;
    for (const [i, row] of got.entries()) expect(row, String(row.event_id)).toEqual(want[i]);

    // the KMS records left in Athena are never copy evidence: every evidence record the local
    // store's lineage uses (in the accounts and window asked for) came back
    await correlate(local);
    const { rows: evidence } =
      await local.userQuery(`select distinct v.event_id from copy_evidence v join events e using (event_id)
      where e.recipient_account_id in ('${ACCOUNTS.join("','")}') and e.event_time >= '${SINCE.toISOString()}' and e.event_time < '${UNTIL.toISOString()}'`);
    expect(evidence.length).toBeGreaterThan(20);
    const pulled = new Set(expectedIds);
    expect(evidence.filter((x) => !pulled.has(String(x.event_id)))).toEqual([]);
    // …while KMS records about other resources (secrets, objects) stay behind
    const { rows: left } =
      await local.userQuery(`select count(*)::integer as n from events where event_source = 'kms.amazonaws.com'
      and recipient_account_id in ('${ACCOUNTS.join("','")}') and event_time >= '${SINCE.toISOString()}' and event_time < '${UNTIL.toISOString()}'
      and event_id not in (select unnest(['${expectedIds.join("','")}']))`);
    expect(left[0]!.n).toBeGreaterThan(0);

    // and lineage can be built from them: copies with their KMS evidence
    await correlate(store);
    expect(await count(store, 'copies')).toBeGreaterThan(0);
    expect(await count(store, 'copy_evidence')).toBeGreaterThan(0);

    // coverage: each account and region the results held, with its event count
    const pairs = new Set(athenaRows.map((x) => `${x.account_id}|${x.region}`));
    expect(r.coverageUnits).toBe(pairs.size);
    expect(await count(store, 'ingest_coverage', `source = 'athena' and error is null`)).toBe(pairs.size);
    const { rows: cov } = await store.userQuery(
      `select sum(events)::integer as n from ingest_coverage where source = 'athena'`,
    );
    expect(cov[0]!.n).toBe(expectedIds.length);
  });

  it('creates the table with partition projection first when asked, and refuses a location it cannot trust', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'ddl-1' })
      .resolves({ QueryExecutionId: 'q-2' });
    states({ State: 'SUCCEEDED' });
    athenaPages([], 10);
    const store = await memoryStore();
    await ingestAthena(store, new AthenaClient({}), {
      ...options,
      regions: ['us-east-1', 'eu-west-1'],
      createTable: { trailLocation: 's3://org-trail/cloudtrail/AWSLogs/o-7k2m9x4q1z/' },
    });
    const ddl = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(ddl.QueryString).toMatch(/^CREATE EXTERNAL TABLE IF NOT EXISTS "cloudtrail_logs"/);
    expect(ddl.QueryString).toContain("LOCATION 's3://org-trail/cloudtrail/AWSLogs/o-7k2m9x4q1z/'");
    expect(ddl.QueryString).toContain(
      "'projection.account_id.values'='351842270915,468213579024,682435792246'",
    );
    expect(ddl.QueryString).toContain("'projection.region.values'='us-east-1,eu-west-1'");
    expect(ddl.QueryString).toContain(
      `'storage.location.template'='s3://org-trail/cloudtrail/AWSLogs/o-7k2m9x4q1z/${'$'}{account_id}/CloudTrail/${'$'}{region}/${'$'}{log_date}'`,
    );
    expect(ddl.ExecutionParameters).toBeUndefined();

    const bad = [
      "s3://org-trail/AWSLogs/'; DROP TABLE x; --/",
      's3://org-trail/logs/',
      'https://org-trail.s3.amazonaws.com/AWSLogs/',
    ];
    for (const loc of bad) {
      expect(() => createTableDdl('t', loc, ACCOUNTS, ['us-east-1'], SINCE), loc).toThrow(/--trail-location/);
    }
    expect(() => createTableDdl('t', 's3://org-trail/AWSLogs/', [], ['us-east-1'], SINCE)).toThrow(
      /needs --accounts/,
    );
    expect(() => createTableDdl('bad-name"', 's3://org-trail/AWSLogs/', ACCOUNTS, [], SINCE)).toThrow(
      /--table/,
    );
  });

  it('a failed query fails with Athena’s reason, records the gap, and keeps what was loaded before', async () => {
    const store = await memoryStore();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-ok' });
    states({ State: 'SUCCEEDED' });
    athenaPages(athenaRows.slice(0, 10), 500);
    await ingestAthena(store, new AthenaClient({}), options);
    athena.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-bad' });
    states(
      { State: 'RUNNING' },
      {
        State: 'FAILED',
        StateChangeReason:
          'TABLE_NOT_FOUND: line 1:6: Table awsdatacatalog.cloudtrail.cloudtrail_logs does not exist',
      },
    );
    await expect(ingestAthena(store, new AthenaClient({}), options)).rejects.toThrow(
      /q-bad failed: TABLE_NOT_FOUND/,
    );
    expect(await count(store, 'events')).toBe(10);
    expect(
      await count(store, 'ingest_coverage', `source = 'athena' and error like '%TABLE_NOT_FOUND%'`),
    ).toBe(3);
  });

  it('a cancelled query is an error that says so; an interrupted one is stopped in Athena', async () => {
    const store = await memoryStore();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-c' });
    states({ State: 'QUEUED' }, { State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' });
    await expect(ingestAthena(store, new AthenaClient({}), options)).rejects.toThrow(
      /q-c was cancelled: Query cancelled by user/,
    );

    athena.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-i' });
    athena.on(StopQueryExecutionCommand).resolves({});
    states({ State: 'RUNNING' });
    const abort = new AbortController();
    const stopping = ingestAthena(store, new AthenaClient({}), {
      ...options,
      sleep: async () => {
        abort.abort();
      },
      signal: abort.signal,
    });
    await expect(stopping).rejects.toThrow(/q-i stopped: interrupted/);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryExecutionId: 'q-i',
    });
  });

  it('retries throttling, keeps NULL cells as absent fields, and keeps a JSON field that does not parse as text', async () => {
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const tooMany = Object.assign(new Error('Too many requests'), { name: 'TooManyRequestsException' });
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttle)
      .rejectsOnce(throttle)
      .resolves({ QueryExecutionId: 'q-t' });
    states({ State: 'SUCCEEDED' });
    const rows = athenaRows.slice(0, 3).map((r) => ({ ...r }));
    rows[0]!.errorcode = null;
    rows[0]!.useragent = null;
    rows[1]!.requestparameters = '{"snapshotId": "snap-1",'; // truncated JSON
    // the first page fetch answers TooManyRequestsException once
    let throttleNext = true;
    const served = athenaPages(rows, 2, () => {
      if (throttleNext) {
        throttleNext = false;
        throw tooMany;
      }
    });
    sleeps.length = 0;
    const store = await memoryStore();
    const r = await ingestAthena(store, new AthenaClient({}), options);
    expect(r.throttled).toBe(3);
    expect(r.rows).toBe(3);
    expect(r.pages).toBe(served);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(
      new RegExp(`athena://q-t row 2 \\(${rows[1]!.eventid}\\): requestParameters is not JSON; kept as text`),
    );
    const nulls = await store.userQuery(
      `select error_code, user_agent from events where event_id = '${rows[0]!.eventid}'`,
    );
    expect(nulls.rows[0]).toEqual({ error_code: null, user_agent: null });
    const kept = await store.userQuery(
      `select request_parameters::varchar as p from events where event_id = '${rows[1]!.eventid}'`,
    );
    expect(JSON.parse(String(kept.rows[0]!.p))).toBe('{"snapshotId": "snap-1",');
    expect(await count(store, 'events')).toBe(3);
  });
});

describe('ingest lake', () => {
  /** Lake rows: one-key maps in column order; nested values as JSON text inside the JSON. */
  function lakeRows(rows: Record<string, string | null>[]) {
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
  const lakeOptions = {
    eventDataStore:
      'arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE',
    since: SINCE,
    until: UNTIL,
    accounts: ACCOUNTS,
    extraEvents: ['ConsoleLogin'],
    sleep,
  };

  it('queries the event data store with checked literals, polls to FINISHED, pages, and loads the same events', async () => {
    const rows = lakeRows(athenaRows);
    const pages: (typeof rows)[] = [];
    for (let i = 0; i < rows.length; i += 60) pages.push(rows.slice(i, i + 60));
    lake.on(StartQueryCommand).resolves({ QueryId: 'lq-1' });
    lake
      .on(DescribeQueryCommand)
      .resolvesOnce({ QueryStatus: 'QUEUED' })
      .resolvesOnce({ QueryStatus: 'RUNNING' })
      .resolves({ QueryStatus: 'FINISHED', QueryStatistics: { BytesScanned: 999 } });
    lake.on(LakeResultsCommand).callsFake((input: { NextToken?: string }) => {
      const n = input.NextToken ? Number(input.NextToken) : 0;
      return {
        QueryStatus: 'FINISHED',
        QueryResultRows: pages[n],
        NextToken: n + 1 < pages.length ? String(n + 1) : undefined,
      };
    });
    const store = await memoryStore();
    const r = await ingestLake(store, new CloudTrailClient({}), lakeOptions);
    const statement = lake.commandCalls(StartQueryCommand)[0]!.args[0].input.QueryStatement!;
    expect(statement).toMatch(/FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE/);
    expect(statement).toMatch(/eventTime >= '2026-03-01 06:00:00' AND eventTime < '2026-03-02 18:00:00'/);
    expect(statement).toContain(`recipientAccountId IN ('${ACCOUNTS.join("', '")}')`);
    // KMS records about other resources stay in Lake
    expect(statement).toContain("element_at(requestParameters, 'encryptionContext') LIKE '%aws:ebs:id%'");
    expect(r.rows).toBe(expectedIds.length);
    expect(r.pages).toBe(pages.length);
    const { rows: got } = await store.userQuery('select event_id from events order by 1');
    expect(got.map((x) => String(x.event_id))).toEqual(expectedIds);
    const cols =
      'event_id, event_time, event_name, aws_region, actor_arn, request_parameters::varchar as rp, response_elements::varchar as re';
    const want = (
      await local.userQuery(
        `select ${cols} from events where event_id in (select unnest(['${expectedIds.join("','")}'])) order by event_id`,
      )
    ).rows;
    expect((await store.userQuery(`select ${cols} from events order by event_id`)).rows).toEqual(want);
  });

  it('failed, cancelled and timed-out queries fail naming the query and record the gap; throttling is retried', async () => {
    const store = await memoryStore();
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    lake.on(StartQueryCommand).rejectsOnce(throttle).resolves({ QueryId: 'lq-f' });
    lake
      .on(DescribeQueryCommand)
      .resolvesOnce({ QueryStatus: 'RUNNING' })
      .resolves({ QueryStatus: 'FAILED', ErrorMessage: 'Query failed: syntax error' });
    await expect(ingestLake(store, new CloudTrailClient({}), lakeOptions)).rejects.toThrow(
      /lq-f FAILED: Query failed: syntax error/,
    );
    for (const status of ['CANCELLED', 'TIMED_OUT']) {
      lake.reset();
      lake.on(StartQueryCommand).resolves({ QueryId: `lq-${status}` });
      lake.on(DescribeQueryCommand).resolves({ QueryStatus: status as never });
      await expect(ingestLake(store, new CloudTrailClient({}), lakeOptions)).rejects.toThrow(
        new RegExp(`lq-${status} ${status}`),
      );
    }
    expect(await count(store, 'ingest_coverage', `source = 'lake' and error like '%TIMED_OUT%'`)).toBe(3);
    expect(() => lakeQuery({ ...lakeOptions, eventDataStore: "x' OR 1=1 --" })).toThrow(/--event-data-store/);
    expect(() => lakeQuery({ ...lakeOptions, extraEvents: ["Decrypt' OR '1'='1"] })).toThrow(
      /--extra-events/,
    );
  });
});
