// ingest lake, mocked at the SDK boundary (nothing here emulates CloudTrail Lake). The result rows
// are copytrail's pushed-down filter run by DuckDB over simulator data, shaped as Lake returns them.
// Lake binds no parameters, so the statement carries literals: each one made by the one quoting
// helper from a value that passed a strict pattern, and no value anywhere else in the text.

import {
  CloudTrailClient,
  DescribeQueryCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestLake, type LakeOptions, lakeQuery } from '../../ingest/lake.ts';
import { lineageNames } from '../../ingest/query-source.ts';
import { quoteLiteral } from '../../queries/sql-text.ts';
import { count, memoryStore } from '../helpers.ts';
import { ACCOUNTS, lakeRows, QueryFixture, SINCE, splitLiterals, UNTIL } from './query-fixture.ts';

const lake = mockClient(CloudTrailClient);

let fixture: QueryFixture;
let athenaRows: Record<string, string | null>[];
let expectedIds: string[];

beforeAll(async () => {
  fixture = await QueryFixture.open('copytrail-lake-');
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
  lake.reset();
});

const sleep = async () => {};
const STORE_ID = 'EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE';
const lakeOptions: LakeOptions = {
  eventDataStore: `arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/${STORE_ID}`,
  since: SINCE,
  until: UNTIL,
  accounts: ACCOUNTS,
  extraEvents: ['ConsoleLogin'],
  sleep,
};

describe('ingest lake', () => {
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
    lake.on(GetQueryResultsCommand).callsFake((input: { NextToken?: string }) => {
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
    expect(statement).toBe(lakeQuery(lakeOptions));
    expect(statement).toContain(`FROM ${STORE_ID}\n`);
    expect(statement).toContain("eventTime >= '2026-03-01 06:00:00' AND eventTime < '2026-03-02 18:00:00'");
    expect(statement).toContain(
      `('${ACCOUNTS.join(',')}' = '' OR contains(split('${ACCOUNTS.join(',')}', ','), recipientAccountId))`,
    );
    // KMS records about other resources stay in Lake
    expect(statement).toContain("('evidence' = 'all'");
    // …by the rules' context keys (and S3's), one literal; a failed call only with an S3 context
    expect(statement).toContain(
      `OR strpos(coalesce(element_at(requestParameters, 'encryptionContext'), ''), 'aws:s3:arn') > 0)`,
    );
    expect(statement).toMatch(/regexp_like\(concat\([^;]*\),\s*'aws:ebs:id\|aws:rds:db-id\|aws:s3:arn'\)/);
    expect(statement).toContain("coalesce(element_at(requestParameters, 'encryptionContext'), '{}') = '{}'");
    expect(statement).not.toContain('{{');
    expect(statement).not.toContain('--');
    expect(r.rows).toBe(expectedIds.length);
    expect(r.pages).toBe(pages.length);
    const { rows: got } = await store.userQuery('select event_id from events order by 1');
    expect(got.map((x) => String(x.event_id))).toEqual(expectedIds);
    const cols =
      'event_id, event_time, event_name, aws_region, actor_arn, request_parameters::varchar as rp, response_elements::varchar as re';
    const want = (
      await fixture.local.userQuery(
        `select ${cols} from events where event_id in (select unnest(['${expectedIds.join("','")}'])) order by event_id`,
      )
    ).rows;
    expect((await store.userQuery(`select ${cols} from events order by event_id`)).rows).toEqual(want);
  });

  it('places values only as literals from the quoting helper, in text that no filter changes', () => {
    const statement = lakeQuery({ ...lakeOptions, regions: ['eu-west-1', 'us-east-1'], allKms: true });
    const { literals, rest } = splitLiterals(statement);
    // outside the literals: no account, region, event name or time, and the store id only in FROM
    for (const value of [...ACCOUNTS, 'eu-west-1', 'ConsoleLogin', 'CopySnapshot', '2026-03-0']) {
      expect(rest, value).not.toContain(value);
    }
    expect(rest.split(STORE_ID)).toHaveLength(2);
    const literal = (v: string) => quoteLiteral(v, 'lake').text;
    for (const made of [
      literal(ACCOUNTS.join(',')),
      literal('eu-west-1,us-east-1'),
      literal('ConsoleLogin'),
      literal(lineageNames().join(',')),
      literal('2026-03-01 06:00:00'),
      literal('all'),
    ]) {
      expect(literals, made).toContain(made);
    }
    // the text around the literals is the same for every filter
    for (const other of [
      lakeQuery({ ...lakeOptions, accounts: undefined, extraEvents: undefined }),
      lakeQuery({ ...lakeOptions, regions: ['eu-west-2'] }),
    ]) {
      expect(splitLiterals(other).rest).toBe(rest);
    }
    // no list means every account and region, and no extra events
    const open = splitLiterals(lakeQuery({ ...lakeOptions, accounts: [], extraEvents: [] })).literals;
    expect(open.filter((l) => l === "''").length).toBeGreaterThan(4);
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
  });
});

describe('hostile input is refused before any Lake call', () => {
  const cases: [string, Partial<LakeOptions>, RegExp][] = [
    ['an event data store id with SQL in it', { eventDataStore: "x' OR 1=1 --" }, /--event-data-store/],
    [
      'an event data store id with a second statement',
      { eventDataStore: 'EXAMPLE WHERE 1=1; SELECT' },
      /--event-data-store/,
    ],
    [
      'an event data store ARN with SQL after the id',
      { eventDataStore: 'arn:aws:cloudtrail:us-east-1:210987654321:eventdatastore/x UNION SELECT 1' },
      /--event-data-store/,
    ],
    ['an account id with SQL in it', { accounts: ["351842270915' OR '1'='1"] }, /--accounts/],
    ['a region with SQL in it', { regions: ["us-east-1', 'x"] }, /--regions/],
    ['an event name with SQL in it', { extraEvents: ["Decrypt' OR '1'='1"] }, /--extra-events/],
    ['an owner account that is not an account id', { ownerAccountId: '2109876543210; x' }, /--owner-account/],
  ];
  for (const [name, bad, error] of cases) {
    it(name, async () => {
      const store = await memoryStore();
      await expect(ingestLake(store, new CloudTrailClient({}), { ...lakeOptions, ...bad })).rejects.toThrow(
        error,
      );
      expect(lake.calls()).toHaveLength(0);
      expect(await count(store, 'ingest_coverage')).toBe(0);
    });
  }
});
