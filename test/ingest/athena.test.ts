// ingest athena, mocked at the SDK boundary (nothing here emulates Athena). The result rows the mock
// returns are produced by running copytrail's own pushed-down filter in DuckDB over a local ingest of
// simulator data, shaped as Athena returns them; the loaded result must equal the local ingest's
// event set for the same filter. Bad input is refused before any call, and no value reaches the SQL
// text: Athena gets every one as an execution parameter.

import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { correlate } from '../../correlate/correlate.ts';
import { CONTEXT_KEYS } from '../../correlate/rules/rule.ts';
import {
  ACCOUNT_SLOTS,
  type AthenaOptions,
  athenaFilter,
  athenaQuery,
  createTableDdl,
  ingestAthena,
  REGION_SLOTS,
} from '../../ingest/athena.ts';
import { CONTEXT_KEY_SLOTS, PUSHDOWN_CONTEXT_KEYS } from '../../ingest/pushdown.ts';
import { placeholderCount, quoteLiteral } from '../../queries/sql-text.ts';
import { count, memoryStore } from '../helpers.ts';
import { ACCOUNTS, COLUMNS, QueryFixture, type Selection, SINCE, UNTIL } from './query-fixture.ts';

const athena = mockClient(AthenaClient);

let fixture: QueryFixture;
let athenaRows: Record<string, string | null>[];
let expectedIds: string[];

beforeAll(async () => {
  fixture = await QueryFixture.open('copytrail-athena-');
  athenaRows = await fixture.athenaRows({
    since: SINCE,
    until: UNTIL,
    accounts: ACCOUNTS,
    extraEvents: ['ConsoleLogin'],
  });
  expectedIds = await fixture.expectedIds({ accounts: ACCOUNTS, extraEvents: ['ConsoleLogin'] });
}, 120_000);

afterAll(() => {
  fixture?.close();
});

beforeEach(() => {
  athena.reset();
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
const options: AthenaOptions = {
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

    // no value is in the SQL text: each is an execution parameter, quoted by the one literal helper;
    // the table name is there only as the identifier helper wrote it
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    const sql = start.QueryString!;
    expect(sql).toBe(athenaQuery('cloudtrail_logs', options).sql);
    for (const value of [...ACCOUNTS, 'ConsoleLogin', '2026/02/28', '2026-03-01T06:00:00Z'])
      expect(sql).not.toContain(value);
    expect(sql).toContain('FROM "cloudtrail_logs"\nWHERE log_date BETWEEN ? AND ?');
    expect(sql.replace('"cloudtrail_logs"', '')).not.toContain('cloudtrail_logs');
    expect(sql).not.toContain('{{');
    expect(sql).not.toContain('--');
    const raw = athenaQuery('cloudtrail_logs', options).params;
    expect(start.ExecutionParameters).toEqual(raw.map((v) => quoteLiteral(v, 'trino').text));
    expect(start.ExecutionParameters).toHaveLength(placeholderCount(sql));
    expect(start.ExecutionParameters!.slice(0, 5)).toEqual([
      "'2026/02/28'",
      "'2026/03/03'",
      "'2026-03-01T06:00:00Z'",
      "'2026-03-02T18:00:00Z'",
      "'listed'",
    ]);
    expect(start.ExecutionParameters).toContain(`'${ACCOUNTS[0]}'`);
    expect(start.ExecutionParameters).toContain("'ConsoleLogin'");
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
    await fixture.local.userQuery(
      `create or replace table athena_expected as select ${cols} from events where event_id in (select unnest(['${expectedIds.join("','")}'])) order by event_id`,
    );
    const want = (await fixture.local.userQuery('select * from athena_expected')).rows;
    const got = (await store.userQuery(`select ${cols} from events order by event_id`)).rows;
    for (const [i, row] of got.entries()) expect(row, String(row.event_id)).toEqual(want[i]);

    // the KMS records left in Athena are never copy evidence: every evidence record the local
    // store's lineage uses (in the accounts and window asked for) came back
    await correlate(fixture.local);
    const { rows: evidence } =
      await fixture.local.userQuery(`select distinct v.event_id from copy_evidence v join events e using (event_id)
      where e.recipient_account_id in ('${ACCOUNTS.join("','")}') and e.event_time >= '${SINCE.toISOString()}' and e.event_time < '${UNTIL.toISOString()}'`);
    expect(evidence.length).toBeGreaterThan(20);
    const pulled = new Set(expectedIds);
    expect(evidence.filter((x) => !pulled.has(String(x.event_id)))).toEqual([]);
    // …while KMS records about other resources (secrets, objects) stay behind
    const { rows: left } =
      await fixture.local.userQuery(`select count(*)::integer as n from events where event_source = 'kms.amazonaws.com'
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

  it('sends Athena partition predicates for the asked accounts, regions and days and the KMS predicate, every value a parameter', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-p' });
    states({ State: 'SUCCEEDED' });
    athenaPages([], 10);
    const asked = { ...options, regions: ['eu-west-1', 'us-east-1'] };
    await ingestAthena(await memoryStore(), new AthenaClient({}), asked);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    const sql = start.QueryString!;
    const where = sql.slice(sql.indexOf('WHERE'));
    // partition columns tested directly (no function of them), so Athena prunes projected partitions
    expect(where).toMatch(/^WHERE log_date BETWEEN \? AND \?\n/);
    expect(where).toMatch(/\(\? = 'all' OR account_id IN \(\n(\s*(\?, )*\?,?\n)+\)\)/);
    expect(where).toMatch(/\(\? = 'all' OR region IN \(\n(\s*(\?, )*\?,?\n)+\)\)/);
    expect(where).not.toMatch(/\w+\((account_id|region|log_date)\b/);
    // the KMS predicate: context keys tested by strpos against parameters
    expect(where).toContain("OR eventsource <> 'kms.amazonaws.com'");
    expect(where.match(/strpos\(requestparameters, \?\) > 0/g)).toHaveLength(1 + CONTEXT_KEY_SLOTS);
    const p = start.ExecutionParameters!;
    expect(p).toHaveLength(placeholderCount(sql));
    expect(p.slice(0, 2)).toEqual(["'2026/02/28'", "'2026/03/03'"]);
    for (const v of [...ACCOUNTS, 'eu-west-1', 'us-east-1', 'evidence', ...PUSHDOWN_CONTEXT_KEYS]) {
      expect(p).toContain(`'${v}'`);
      expect(sql).not.toContain(v);
    }
    // the accounts' and regions' places: mode 'listed', then the values, padded with the first
    const a = p.indexOf(`'${ACCOUNTS[0]}'`);
    expect(p[a - 1]).toBe("'listed'");
    const r = p.indexOf("'eu-west-1'");
    expect(p.slice(r - 1, r + 3)).toEqual(["'listed'", "'eu-west-1'", "'us-east-1'", "'eu-west-1'"]);
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
    // Athena DDL is Hive: the name in backticks, every value a literal the one helper quoted
    expect(ddl.QueryString).toMatch(/^CREATE EXTERNAL TABLE IF NOT EXISTS `cloudtrail_logs` \(/);
    expect(ddl.QueryString).not.toContain('{{');
    expect(ddl.QueryString).toContain("LOCATION 's3://org-trail/cloudtrail/AWSLogs/o-7k2m9x4q1z/'");
    expect(ddl.QueryString).toContain(
      "'projection.account_id.values'='351842270915,468213579024,682435792246'",
    );
    expect(ddl.QueryString).toContain("'projection.region.values'='us-east-1,eu-west-1'");
    expect(ddl.QueryString).toContain(
      `'storage.location.template'='s3://org-trail/cloudtrail/AWSLogs/o-7k2m9x4q1z/${'$'}{account_id}/CloudTrail/${'$'}{region}/${'$'}{log_date}'`,
    );
    expect(ddl.QueryString).toContain("'projection.log_date.range'='2013/11/01,NOW'");
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

describe('the pushed-down filter, run by DuckDB', () => {
  const window = { since: SINCE, until: UNTIL };
  // named scenarios: what the filter selects must equal the same selection written independently
  type Rows = Record<string, string | null>[];
  const names = (rows: Rows) => new Set(rows.map((r) => r.eventname));
  const scenarios: [string, Selection, (rows: Rows) => boolean][] = [
    ['every account and region (no partition list)', {}, (rows) => rows.length > 200],
    ['two regions, every account', { regions: ['us-east-1', 'eu-west-1'] }, (rows) => rows.length > 100],
    [
      'accounts and regions together',
      { accounts: ACCOUNTS, regions: ['eu-west-1'] },
      (rows) => rows.length > 10,
    ],
    [
      'extra events from outside the lineage set',
      { extraEvents: ['ConsoleLogin'] },
      (rows) => names(rows).has('ConsoleLogin'),
    ],
    [
      'no extra events: none from outside the lineage set',
      {},
      (rows) => !names(rows).has('ConsoleLogin') && names(rows).has('CopySnapshot'),
    ],
    ['every KMS record (--all-kms)', { regions: ['us-east-1'], allKms: true }, (rows) => rows.length > 100],
    ['a region with no data: nothing', { regions: ['sa-east-1'] }, (rows) => rows.length === 0],
    ['an account with no data: nothing', { accounts: ['000000000000'] }, (rows) => rows.length === 0],
  ];
  for (const [name, selection, holds] of scenarios) {
    it(name, async () => {
      const want = await fixture.expectedIds(selection);
      const rows = await fixture.athenaRows({ ...window, ...selection });
      expect(rows.map((r) => r.eventid)).toEqual(want);
      expect(holds(rows), `${rows.length} rows`).toBe(true);
    });
  }

  it('--all-kms brings back KMS records the default leaves in Athena', async () => {
    const kms = (rows: Record<string, string | null>[]) =>
      rows.filter((r) => r.eventsource === 'kms.amazonaws.com').length;
    const some = await fixture.athenaRows({ ...window, regions: ['us-east-1'] });
    const all = await fixture.athenaRows({ ...window, regions: ['us-east-1'], allKms: true });
    expect(kms(all)).toBeGreaterThan(kms(some));
  });

  it('is fixed text: only the values change with the filter, one per placeholder', () => {
    const variants = scenarios.map(([, selection]) => athenaFilter({ ...window, ...selection }));
    for (const v of variants) {
      expect(v.sql).toBe(variants[0]!.sql);
      expect(v.params).toHaveLength(placeholderCount(v.sql));
    }
    const listed = athenaFilter({ ...window, accounts: ACCOUNTS, regions: ['eu-west-1'] }).params;
    // mode, then the list padded with its own first member: the IN list means the same set
    expect(listed.slice(4, 5 + ACCOUNT_SLOTS)).toEqual([
      'listed',
      ...ACCOUNTS,
      ...Array(ACCOUNT_SLOTS - ACCOUNTS.length).fill(ACCOUNTS[0]),
    ]);
    expect(listed.slice(5 + ACCOUNT_SLOTS, 6 + ACCOUNT_SLOTS + REGION_SLOTS)).toEqual([
      'listed',
      ...Array(REGION_SLOTS).fill('eu-west-1'),
    ]);
    const open = athenaFilter(window).params;
    expect(open[4]).toBe('all');
    // extra events (none), then the KMS part: mode, the S3 key, the rules' context keys padded
    const kms = open.slice(-(3 + CONTEXT_KEY_SLOTS));
    expect(kms).toEqual([
      '',
      'evidence',
      'aws:s3:arn',
      ...PUSHDOWN_CONTEXT_KEYS,
      ...Array(CONTEXT_KEY_SLOTS - PUSHDOWN_CONTEXT_KEYS.length).fill(PUSHDOWN_CONTEXT_KEYS[0]),
    ]);
    expect(PUSHDOWN_CONTEXT_KEYS).toEqual([...CONTEXT_KEYS, 'aws:s3:arn']);
    expect(athenaFilter({ ...window, allKms: true }).params.at(-(2 + CONTEXT_KEY_SLOTS))).toBe('all');
  });

  it('refuses more accounts or regions than the partition lists hold, and an extra-event list Athena cannot take', () => {
    const many = Array.from({ length: ACCOUNT_SLOTS + 1 }, (_, i) => String(100000000000 + i));
    expect(() => athenaFilter({ ...window, accounts: many })).toThrow(
      /--accounts: 101 given; .* at most 100/,
    );
    // a repeated account takes one place
    expect(() => athenaFilter({ ...window, accounts: [...many.slice(0, 100), many[0]!] })).not.toThrow();
    const regions = Array.from({ length: REGION_SLOTS + 1 }, (_, i) => `xx-test-${i + 1}`);
    expect(() => athenaFilter({ ...window, regions })).toThrow(/--regions: 65 given/);
    const extraEvents = Array.from({ length: 80 }, (_, i) => `SomeLongEventName${i}`);
    expect(() => athenaFilter({ ...window, extraEvents })).toThrow(/--extra-events: .*1024 characters/);
  });
});

describe('hostile input is refused before any Athena call', () => {
  const cases: [string, Partial<AthenaOptions>, RegExp][] = [
    ['an account id with SQL in it', { accounts: ["351842270915' OR '1'='1"] }, /--accounts/],
    ['a region with SQL in it', { regions: ["us-east-1') OR 1=1 --"] }, /--regions/],
    ['an event name with SQL in it', { extraEvents: ["Decrypt' OR '1'='1"] }, /--extra-events/],
    ['a table name that closes its quotes', { table: 'cloudtrail_logs"; DROP TABLE x; --' }, /--table/],
    ['a table name in backticks', { table: '`x` (a string); --' }, /--table/],
    ['a database with a statement after it', { database: 'cloudtrail; DROP DATABASE x' }, /--database/],
    ['an output location with a quote', { output: "s3://results/x' OR '1'='1" }, /--output/],
    ['an output location that is not S3', { output: 'https://evil.example/x' }, /--output/],
    ['a workgroup with SQL in it', { workgroup: "primary'; --" }, /--workgroup/],
    [
      'a trail location with SQL in it',
      { createTable: { trailLocation: "s3://org-trail/AWSLogs/'; DROP TABLE x; --/" } },
      /--trail-location/,
    ],
  ];
  for (const [name, bad, error] of cases) {
    it(name, async () => {
      const store = await memoryStore();
      await expect(ingestAthena(store, new AthenaClient({}), { ...options, ...bad })).rejects.toThrow(error);
      expect(athena.calls()).toHaveLength(0);
      // nothing was recorded either: a refused input is not a coverage gap
      expect(await count(store, 'ingest_coverage')).toBe(0);
      expect(await count(store, 'ingested_files')).toBe(0);
    });
  }
});
